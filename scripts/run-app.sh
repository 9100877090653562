#!/usr/bin/env bash
# Set up (if needed) and start CX Lens as one service process: the pages, the REST API (/api, docs at /api/docs),
# health checks (/healthz, /readyz) and the scheduled jobs. Honours CX_DB (store file) and CX_PORT (default 8501).
#   (no option)   on first start (no store file yet) the service builds the embedded demo chain and its demo accounts
#   --empty       real data: a missing store is created EMPTY (no demo, no demo accounts; sets CX_DEMO=off); the
#                 one-time code for the first HQ admin is printed in the service log
#   --no-setup    skip scripts/setup.sh (apt/pip) — for a service manager (systemd) starting an installed copy
# Other arguments go to uvicorn (e.g. --host 127.0.0.1). X-Forwarded-For is honoured only from the addresses in
# CX_TRUSTED_PROXIES (comma-separated IPs/CIDRs, e.g. 127.0.0.1 for a reverse proxy on the same host; default none).
set -euo pipefail
cd "$(dirname "$0")/.."
setup=1
args=()
for a in "$@"; do
  case "$a" in
    --empty) export CX_DEMO=off ;;
    --no-setup) setup=0 ;;
    *) args+=("$a") ;;
  esac
done
if [ "$setup" = 1 ]; then bash scripts/setup.sh app; fi
if [ ! -x .venv/bin/python ]; then echo "未找到 .venv：请先运行 bash scripts/setup.sh app" >&2; exit 1; fi
case "${CX_DEMO:-on}" in
  off|0|no|false) echo "==> 启动 CX Lens（真实数据模式，不生成演示数据）：http://localhost:${CX_PORT:-8501} ；新库的首个总部管理员设置码见下方日志" ;;
  *) echo "==> 启动 CX Lens：请在浏览器打开 http://localhost:${CX_PORT:-8501} （首次启动会先生成演示数据，约 1 分钟，机器繁忙时更久）" ;;
esac
export CX_SERVICE_PORT="${CX_PORT:-8501}"
# No per-message deflate on the websocket (as `streamlit run`, whose server.enableWebsocketCompression defaults to
# false): compressing every delta costs ~10 ms of the one interpreter's CPU per page view (benchmarks/service_load.py).
exec .venv/bin/python -m uvicorn cx.service.app:app --host "${CX_HOST:-0.0.0.0}" --port "${CX_PORT:-8501}" \
  --no-access-log --log-config cx/service/uvicorn_log.json --ws-per-message-deflate false --forwarded-allow-ips "${CX_TRUSTED_PROXIES:-}" ${args[@]+"${args[@]}"}
