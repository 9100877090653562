"""Paths under data/ and CX_* environment variables are read through cx.settings, not by each module."""
import re

from cx.db import ROOT

# modules owned by concurrent text work (#17) still define their own file constants; to be routed later
PENDING = {"cx/text/segment.py", "cx/text/polarity.py", "cx/text/aspect.py"}
DATA_PATH = re.compile(r"""ROOT\s*/\s*["']data["']""")
ENV_READ = re.compile(r"""os\.environ(\.get)?\s*[\[(]\s*["']CX_|os\.getenv\(\s*["']CX_""")


def test_no_module_builds_data_paths_or_reads_cx_variables_itself():
    offenders = []
    for p in sorted([*(ROOT / "cx").rglob("*.py"), *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"),
                     ROOT / "app.py"]):
        rel = p.relative_to(ROOT).as_posix()
        if rel == "cx/settings.py" or rel in PENDING:
            continue
        text = p.read_text(encoding="utf-8")
        if DATA_PATH.search(text) or ENV_READ.search(text):
            offenders.append(rel)
    assert offenders == []


def test_the_regex_catches_what_it_is_meant_to():
    assert DATA_PATH.search('X = ROOT / "data" / "x.yaml"') and ENV_READ.search('os.environ.get("CX_DB")')
    assert ENV_READ.search("os.environ['CX_BRAND']") and not ENV_READ.search('os.environ.get("HOME")')
