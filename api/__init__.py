"""Interfaces to the archive: the command line, the REST API and the web pages."""
