"""Readers per source, column mapping, validation, rejects and de-duplication."""
from cx.ingest.pipeline import ImportFailed, ImportResult, history, import_bytes, import_file, rejects_of

__all__ = ["ImportFailed", "ImportResult", "history", "import_bytes", "import_file", "rejects_of"]
