"""Search backends: the embedded one (tantivy) and Elasticsearch, behind search.base."""
