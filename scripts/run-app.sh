#!/usr/bin/env bash
# Set up (if needed) and start CX Lens as one service process: the pages, the REST API (/api, docs at /api/docs),
# health checks (/healthz, /readyz) and the scheduled jobs. Honours CX_DB (store file) and CX_PORT (default 8501);
# extra arguments go to uvicorn (e.g. --host 127.0.0.1). X-Forwarded-For is honoured only from the addresses in
# CX_TRUSTED_PROXIES (comma-separated IPs/CIDRs, e.g. 127.0.0.1 for a reverse proxy on the same host; default none). On first start the app builds the embedded demo chain.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
echo "==> 启动 CX Lens：请在浏览器打开 http://localhost:${CX_PORT:-8501} （首次启动会先生成演示数据，约 1 分钟，机器繁忙时更久）"
export CX_SERVICE_PORT="${CX_PORT:-8501}"
exec .venv/bin/python -m uvicorn cx.service.app:app --host "${CX_HOST:-0.0.0.0}" --port "${CX_PORT:-8501}" \
  --no-access-log --forwarded-allow-ips "${CX_TRUSTED_PROXIES:-}" "$@"
