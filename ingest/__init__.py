"""The ingest pipeline: submission → validated dossier → package → storage → index."""
