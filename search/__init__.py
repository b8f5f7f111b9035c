"""Search index backends (embedded and Elasticsearch) behind one interface, with access control."""
