"""Data sources: uploaded files and the records ingested from them."""
