"""Fuzz the readers and the import transaction with random and mutated files: either the import succeeds
with rows_in = ok + rejected + duplicate, or it fails cleanly (ImportFailed) and the store is unchanged."""
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx.ingest import ImportFailed, import_bytes
from tests.conftest import NOW

CSV = ("编号,门店编号,时间,推荐度,满意度,内容\n"
       "a,S001,2026-03-01,9,5,菜很好吃\nb,S002,2026/3/2 12:00,3,2,上菜太慢\nc,S003,2026年3月3日,7,,还行\n").encode("utf-8")


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in CSV.decode().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx()


def snapshot(con):
    counts = tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in ("feedback", "rejects", "mentions", "tickets", "stores"))
    return counts + con.execute("SELECT count(*) FILTER (status <> 'failed') FROM imports").fetchone()


def check(con, data: bytes, name: str):
    before = snapshot(con)
    try:
        r = import_bytes(con, data, name, "survey", now=NOW)
    except ImportFailed as e:
        assert str(e) and "Traceback" not in str(e)
        assert snapshot(con) == before
        return
    assert r.rows_in == r.rows_ok + r.rows_rejected + r.rows_duplicate
    assert snapshot(con)[0] == before[0] + r.rows_ok - r.rows_updated


def mutate(data: bytes, edits) -> bytes:
    b = bytearray(data)
    for pos, val, kind in edits:
        if not b:
            break
        i = pos % len(b)
        if kind == 0:
            b[i] = val
        elif kind == 1:
            del b[i]
        else:
            b.insert(i, val)
    return bytes(b)


edits = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.integers(0, 2)), max_size=12)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["f.csv", "f.xlsx"]))
def test_random_bytes(con, data, name):
    check(con, data, name)


@SETTINGS
@given(edits)
def test_mutated_csv(con, e):
    check(con, mutate(CSV, e), "m.csv")


@SETTINGS
@given(edits)
def test_mutated_xlsx(con, e):
    check(con, mutate(XLSX, e), "m.xlsx")
