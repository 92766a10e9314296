"""A job's results: matches, unmatched records, review actions, stats and exports."""
