"""`tally demo`: a demo user and project with two sample sources and a completed reconciliation."""
