#!/usr/bin/env bash
# Set up (if needed) and start CX Lens. On first start the app builds the embedded demo chain.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
echo "==> 启动 CX Lens：请在浏览器打开 http://localhost:8501 （首次启动约 40 秒生成演示数据）"
exec .venv/bin/streamlit run app.py "$@"
