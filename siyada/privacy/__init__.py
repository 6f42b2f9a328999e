"""Moroccan personal-data detection and pseudonymisation (pure Python: regex, checksums, context)."""
