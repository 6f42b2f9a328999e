"""Knowledge: an organisation's documents, parsed, chunked with exact offsets, indexed and searched.

:mod:`.parse` turns an upload (PDF, DOCX, HTML, Markdown, text, JSON, JSONL) into text in logical order
with its structure; :mod:`.chunk` cuts that text along headings, articles of law, paragraphs and
sentences into chunks whose offsets are the citations' ground truth; ingestion, search and answers
with citations build on those.
"""
