#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
echo "==> 代码检查（ruff，规则见 pyproject.toml）"
.venv/bin/ruff check --quiet . || { echo "错误：ruff 检查未通过（修复上面列出的问题，或运行 .venv/bin/ruff check --fix .）" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "错误：没有收集到任何测试（pytest exit 5）" >&2
  exit 1
fi
exit "$code"
