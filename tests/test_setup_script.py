"""scripts/setup.sh keeps its output short: one line per step, the tools' output in a log file that is shown
(path and tail) only when a step fails."""
import subprocess

from cx.db import ROOT


def _run(tmp_path, body: str) -> subprocess.CompletedProcess:
    script = f'''set -uo pipefail
source <(sed -n '/^step() {{/,/^}}/p' "{ROOT / 'scripts' / 'setup.sh'}")
LOG="{tmp_path / 'setup.log'}"
{body}'''
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)


def test_step_is_one_line_and_logs_the_tool_output(tmp_path):
    r = _run(tmp_path, 'step "安装" bash -c "echo lots of pip noise; echo WARNING: alarming >&2"')
    assert r.returncode == 0
    assert r.stdout.strip().startswith("==> 安装 …") and "完成" in r.stdout and "noise" not in r.stdout
    assert r.stderr == ""
    assert "lots of pip noise" in (tmp_path / "setup.log").read_text() and "alarming" in (tmp_path / "setup.log").read_text()


def test_failed_step_shows_the_log_path_and_tail(tmp_path):
    r = _run(tmp_path, 'step "安装" bash -c "echo the real error; exit 3"; echo "code=$?"')
    assert "code=3" in r.stdout
    assert "失败" in r.stderr and str(tmp_path / "setup.log") in r.stderr and "the real error" in r.stderr
