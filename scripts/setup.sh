#!/usr/bin/env bash
# Idempotent set-up on Debian 12: system packages (Python venv, Chromium, CJK fonts), a project virtualenv,
# and the pinned Python packages. Usage: scripts/setup.sh [app|test]   (test also installs dev tools)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

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
  echo "==> 安装系统软件包: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys" >/dev/null 2>&1; then
  echo "==> 创建虚拟环境 .venv"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi

req=requirements.txt
[ "$mode" = "test" ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "==> 安装 Python 依赖 ($req)"
  .venv/bin/pip install -q --disable-pip-version-check -r "$req"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-speedups.txt \
    || echo "提示：jieba_fast 未能编译，将使用 jieba（分词较慢，结果相同）"
  touch "$stamp"
fi
