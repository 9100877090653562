#!/usr/bin/env bash
# Set up (if needed) and start CX Lens. On first start the app builds the embedded demo chain.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/streamlit run app.py "$@"
