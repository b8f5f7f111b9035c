"""The records' lifecycle, above search and ingest: retention runs, legal holds, destruction
and erasure, transfer, fixity, catalog rebuild and reports."""
