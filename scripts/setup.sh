#!/usr/bin/env bash
# Idempotent set-up on Debian 12: system packages (Python venv, Chromium, CJK fonts), a project virtualenv,
# and the pinned Python packages. Usage: scripts/setup.sh [app|test]   (test also installs dev tools)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Short output: one line per step with its duration; the tools' full output goes to a log file, whose path
# (and last lines) are printed only when a step fails.
mkdir -p .cache
LOG="$PWD/.cache/setup.log"
: > "$LOG"
step() {   # step "说明" command...   — run quietly, report time, show the log on failure
  local what="$1"; shift
  local t0=$SECONDS
  printf '==> %s …' "$what"
  if "$@" >>"$LOG" 2>&1; then
    printf ' 完成（%d 秒）\n' $((SECONDS - t0))
  else
    local code=$?
    printf ' 失败\n' >&2
    echo "---- 日志最后 30 行（完整日志：$LOG）----" >&2
    tail -n 30 "$LOG" >&2
    return "$code"
  fi
}

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
command -v chromium >/dev/null 2>&1 || need+=(chromium)            # chart export (kaleido) and browser tests
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)   # emoji in verbatims
command -v gcc >/dev/null 2>&1 || need+=(gcc)                       # builds jieba_fast (optional speed-up)
python3 -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
  >/dev/null 2>&1 || need+=(python3-dev)
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> 需要安装系统软件包：${need[*]}（约 1–2 分钟）"
  step "更新软件源" $SUDO apt-get update
  step "安装系统软件包" env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}" fontconfig
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys" >/dev/null 2>&1; then
  rm -rf .venv
  step "创建虚拟环境 .venv" python3 -m venv .venv
  step "升级 pip" .venv/bin/pip install --upgrade pip
fi

req=requirements.txt
[ "$mode" = "test" ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  step "安装 Python 依赖（$req，首次约 2–4 分钟）" .venv/bin/pip install --disable-pip-version-check -r "$req"
  if ! .venv/bin/pip install --disable-pip-version-check -r requirements-speedups.txt >>"$LOG" 2>&1; then
    echo "提示：可选加速包 jieba_fast 未能编译，将使用 jieba（分词较慢，结果相同）"
  fi
  touch "$stamp"
fi
