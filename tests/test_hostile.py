"""Hostile and broken input: killed imports, markup and SQL-looking text, formula-looking cells."""
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from cx import db
from cx.ingest import import_bytes
from tests.conftest import NOW
from ui.verbatims import escape, highlight

EVIL = "'; DROP TABLE feedback; --"


def test_sql_looking_text_is_stored_and_returned_verbatim(con):
    csv = f'编号,门店编号,时间,内容\nr1,S001,2026-03-01,"{EVIL}"\n'
    import_bytes(con, csv.encode(), "r.csv", "review", now=NOW)
    assert con.execute("SELECT text FROM feedback").fetchone()[0] == EVIL
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 1


def test_markup_in_text_is_never_rendered():
    md = highlight("**粗体** [链接](http://x) <img src=x onerror=alert(1)> :red[红] $x$ `c` 上菜慢", ["上菜"])
    assert ":red-background[上菜]" in md
    rest = md.replace(":red-background[上菜]", "")
    # every Markdown/HTML/directive character left in the customer's text is backslash-escaped
    assert re.search(r"(?<!\\)[*_\[\]()<>:$`]", rest) is None, rest
    assert escape("a*b_c") == "a\\*b\\_c"


def test_html_is_stripped_on_import(con):
    csv = 'id,门店编号,时间,内容\nr1,S001,2026-03-01,"<script>alert(1)</script><b>很好</b>"\n'
    import_bytes(con, csv.encode(), "r.csv", "review", now=NOW)
    assert con.execute("SELECT text FROM feedback").fetchone()[0] == "很好"


SCRIPT = """
import sys
from cx import db
from cx.ingest import import_file
con = db.connect(sys.argv[1])
print("start", flush=True)
import_file(con, sys.argv[2], "review", unknown_store="create")
print("done", flush=True)
"""


@pytest.mark.parametrize("kill_after", [1.5, 4.0, 7.0])
def test_killed_import_leaves_all_or_nothing(tmp_path, kill_after):
    path = tmp_path / "k.duckdb"
    c = db.connect(path)
    c.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S1', 'a', '华东', '上海')")
    c.close()
    rows = "\n".join(f"r{i},S{i % 50},2026-03-{1 + i % 28:02d},第{i}条：上菜太慢了，服务员态度也很差" for i in range(20000))
    f = tmp_path / "big.csv"
    f.write_text("编号,门店编号,时间,内容\n" + rows + "\n", encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), str(f)], stdout=subprocess.PIPE, text=True,
                         cwd=db.ROOT, start_new_session=True)
    assert p.stdout.readline().strip() == "start"
    time.sleep(kill_after)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    c = db.connect(path)                       # opens (WAL replayed or discarded)
    n = c.execute("SELECT count(*) FROM feedback").fetchone()[0]
    imports = c.execute("SELECT count(*) FROM imports").fetchone()[0]
    mentions = c.execute("SELECT count(DISTINCT feedback_id) FROM mentions").fetchone()[0]
    assert (n, imports) in ((0, 0), (20000, 1)), (n, imports)
    assert mentions in (0, 20000)
