"""Readers, layout, profiles, column mapping, validation, rejects and de-duplication — the one import path
for the 数据导入 page, the CLI and the API."""
from cx.ingest.pipeline import (ImportFailed, ImportOptions, ImportResult, Plan, history, import_bytes, import_details,
                                import_file, plan, rejects_of, rejects_table)

__all__ = ["ImportFailed", "ImportOptions", "ImportResult", "Plan", "history", "import_bytes", "import_details",
           "import_file", "plan", "rejects_of", "rejects_table"]
