"""OCR at ingestion: scanned PDF pages and image uploads read by Tesseract (siyada.knowledge.ocr.read)."""
