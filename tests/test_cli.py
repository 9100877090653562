import os
import subprocess
import sys

from cx import db
from cx.cli import main


def run_cli(*args, cwd=None, users=None):
    env = {**os.environ, "CX_USERS": str(users)} if users else None     # `cx demo` writes demo accounts
    return subprocess.run([sys.executable, "-m", "cx", *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env=env)


def test_demo_then_ingest_end_to_end(tmp_path):
    path = tmp_path / "cli.duckdb"
    r = run_cli("demo", "--rows", "800", "--stores", "12", "--db", str(path), users=tmp_path / "users.yaml")
    assert r.returncode == 0, r.stderr
    assert "已生成演示数据" in r.stdout
    f = tmp_path / "reviews.csv"
    f.write_text("门店编号,评价时间,星级,评论内容\nS0001,2026-03-01,5,好吃\nS0001,2026-03-01,9,太贵\n", encoding="gbk")
    r = run_cli("ingest", str(f), "--source", "review", "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert "读取 2 行 = 成功 1 + 拒绝 1 + 重复 0" in r.stdout
    con = db.connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 801


def test_failed_import_is_one_chinese_line_and_nonzero(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    code = main(["ingest", str(f), "--source", "survey", "--db", str(tmp_path / "x.duckdb")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("导入失败：") and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_and_existing_demo_db(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "none.csv"), "--source", "review", "--db", str(tmp_path / "x.duckdb")]) == 1
    assert "无法读取文件" in capsys.readouterr().err
    (tmp_path / "exists.duckdb").write_bytes(b"")
    assert main(["demo", "--db", str(tmp_path / "exists.duckdb")]) == 2
    assert "已存在" in capsys.readouterr().err


def test_locked_database_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        f = tmp_path / "r.csv"
        f.write_text("门店编号,评价时间,评论内容\nS1,2026-03-01,好\n", encoding="utf-8")
        r = run_cli("ingest", str(f), "--source", "review", "--db", str(path))
        assert r.returncode == 1
        assert "占用" in r.stderr and "Traceback" not in r.stderr
    finally:
        holder.kill()
