"""One module per document format; :mod:`siyada.knowledge.parse` detects the format and dispatches."""
