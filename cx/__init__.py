"""CX Lens domain package: storage, ingestion, text analytics, metrics and reporting (no Streamlit)."""
