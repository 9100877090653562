import io
import json

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx import db
from cx.ingest import ImportFailed, import_bytes, pipeline
from tests.conftest import NOW

SURVEY = (
    "问卷编号,门店编号,提交时间,推荐度,满意度,评价内容\n"
    "Q1,S001,2026/3/1 12:30,9,5,菜很好吃\n"
    "Q2,S001,2026-03-02,11,5,分数超范围\n"
    "Q3,S404,2026-03-02,8,4,未知门店\n"
    "Q4,S002,2026年3月3日,7,,還行吧 電話13812345678\n"
    "Q1,S001,2026/3/1 12:30,9,5,同一编号再出现一次\n"
    "Q5,S003,昨天,6,2,日期不对\n"
)


def state(con):
    """Everything an import may touch, for before/after comparisons."""
    tables = ("stores", "feedback", "kano_answers", "rejects", "meta")
    out = {t: sorted(map(str, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    out["imports"] = sorted(map(str, con.execute("SELECT * FROM imports WHERE status <> 'failed'").fetchall()))
    return out


def failures(con) -> list[tuple]:
    """History rows of refused files: (file_name, status, rows_in, reason)."""
    return con.execute("SELECT file_name, status, rows_in, json_extract_string(details, '$.error') FROM imports "
                       "WHERE status = 'failed' ORDER BY started_at").fetchall()


def run(con, text: str, name="f.csv", source="survey", encoding="utf-8", **kw):
    return import_bytes(con, text.encode(encoding), name, source, now=NOW, **kw)


def test_counts_add_up_and_rejects_are_explained(con):
    r = run(con, SURVEY, encoding="gbk")
    assert (r.rows_in, r.rows_ok, r.rows_rejected, r.rows_duplicate) == (6, 2, 3, 1)
    assert r.rows_in == r.rows_ok + r.rows_rejected + r.rows_duplicate
    rejects = con.execute("SELECT row_number, reason, raw FROM rejects ORDER BY row_number").fetchall()
    assert [row[0] for row in rejects] == [3, 4, 7]
    assert "推荐度(NPS)超出范围" in rejects[0][1]
    assert "未知门店“S404”" in rejects[1][1]
    assert "无法识别的时间格式" in rejects[2][1]
    assert json.loads(rejects[0][2])["问卷编号"] == "Q2"  # the raw row is kept, nothing lost
    imp = con.execute("SELECT rows_in, rows_ok, rows_rejected, rows_duplicate, status FROM imports").fetchone()
    assert imp == (6, 2, 3, 1, "ok")


def test_text_is_cleaned_on_the_way_in(con):
    run(con, SURVEY)
    text = con.execute("SELECT text FROM feedback WHERE store_id = 'S002'").fetchone()[0]
    assert text == "还行吧 电话138****5678"


def test_reimport_same_file_changes_nothing(con):
    run(con, SURVEY)
    before = state(con)
    r = run(con, SURVEY)
    assert r.status == "same_file" and r.rows_in == 6
    assert state(con) == before


def test_same_records_in_another_file_are_duplicates_not_new_rows(con):
    run(con, SURVEY)
    n = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    r = run(con, SURVEY.replace("\n", "\r\n"), name="again.csv")   # different bytes, same records
    assert (r.rows_ok, r.rows_duplicate, r.rows_rejected) == (0, 3, 3)
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == n


def test_rows_without_source_id_get_content_ids(con):
    text = "门店编号,评价时间,评分,评论内容\nS001,2026-03-01 10:00,5,好吃\nS001,2026-03-01 10:00,5,好吃\nS001,2026-03-01 10:00,4,好吃\n"
    r = run(con, text, source="review")
    assert (r.rows_ok, r.rows_duplicate) == (2, 1)
    r2 = run(con, text + "S002,2026-03-02,3,一般\n", name="more.csv", source="review")
    assert (r2.rows_ok, r2.rows_duplicate) == (1, 3)


def test_unknown_stores_created_on_request(con):
    r = run(con, SURVEY, unknown_store="create")
    assert r.new_stores == ["S404"]
    assert con.execute("SELECT region FROM stores WHERE store_id = 'S404'").fetchone()[0] == "未分配"
    assert r.rows_ok == 3


def test_failure_mid_write_rolls_back_everything(con, monkeypatch):
    run(con, SURVEY)
    before = state(con)
    real = db.bump_data_version

    def explode(cur):   # the very last statement of the write phase
        raise RuntimeError("disk full")

    monkeypatch.setattr(db, "bump_data_version", explode)
    other = SURVEY.replace("Q", "X")
    with pytest.raises(RuntimeError):
        run(con, other, name="other.csv")
    assert state(con) == before
    monkeypatch.setattr(db, "bump_data_version", real)
    assert run(con, other, name="other.csv").rows_ok == 2  # and the file can be imported afterwards


def test_database_error_during_insert_becomes_import_failed(con, monkeypatch):
    before = state(con)
    def boom(*a, **k):
        raise duckdb.ConversionException("simulated failure after the inserts")
    monkeypatch.setattr(pipeline.rollup, "refresh", boom)
    with pytest.raises(ImportFailed, match="已回滚"):
        run(con, SURVEY)
    assert state(con) == before
    assert [f[1] for f in failures(con)] == ["failed"]
    monkeypatch.undo()
    assert run(con, SURVEY).status == "ok"          # the failed attempt does not count as "imported before"


@pytest.mark.parametrize("text,needle", [
    ("门店编号,提交时间,推荐度\n", "只有表头"),
    ("foo,bar\n1,2\n", "列不完整"),
])
def test_unusable_files_fail_cleanly(con, text, needle):
    before = state(con)
    with pytest.raises(ImportFailed, match=needle) as e:
        run(con, text, name="broken.csv")
    assert state(con) == before
    # … but the refusal is kept in 导入记录 with its reason, shown as failed (nothing written).
    assert failures(con) == [("broken.csv", "failed", 0, str(e.value))]
    hist = pipeline.history(con)
    from cx.ingest import ui_options
    view = ui_options.history_frame(hist)
    assert view.iloc[0]["状态"] == "失败（未写入）" and needle in view.iloc[0]["失败原因"]
    assert pipeline.import_details(con, hist.iloc[0]["import_id"]) == {"error": str(e.value)}
    # A later good import of another file is not affected by the failed row (no same-file match).
    assert run(con, SURVEY).rows_ok == 2


def test_xlsx_kano_import(con):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["答卷人", "功能", "正向问题", "反向问题", "日期", "门店编号"])
    ws.append(["R1", "扫码点餐", "喜欢", "不喜欢", "2026-03-01", "S001"])
    ws.append(["R1", "免费WiFi", 2, 5, "2026-03-01", "S001"])
    ws.append(["R2", "扫码点餐", 9, 5, "2026-03-01", "S001"])
    buf = io.BytesIO()
    wb.save(buf)
    r = import_bytes(con, buf.getvalue(), "kano.xlsx", "kano", now=NOW)
    assert (r.rows_ok, r.rows_rejected) == (2, 1)
    assert con.execute("SELECT functional, dysfunctional FROM kano_answers ORDER BY feature").fetchall() == [(2, 5), (1, 5)]


def test_import_bumps_data_version(con):
    v = db.data_version(con)
    run(con, SURVEY)
    assert db.data_version(con) == v + 1


cell = st.one_of(st.sampled_from(["S001", "S002", "S9", "", "9", "11", "-1", "2026-03-01", "2026/13/01",
                                  "好吃", "'; DROP TABLE feedback; --", "<b>x</b>", "7.5"]),
                 st.text(max_size=12).filter(lambda s: not any(c in s for c in ',"\n\r')))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(cell, cell, cell, cell), min_size=1, max_size=15))
def test_random_rows_always_add_up(con, rows):
    text = "门店编号,提交时间,推荐度,评价内容\n" + "\n".join(",".join(r) for r in rows) + "\n"
    before = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    try:
        r = run(con, text, name=f"{hash(text)}.csv")
    except ImportFailed:
        assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == before
        return
    assert r.rows_in == r.rows_ok + r.rows_rejected + r.rows_duplicate
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == before + r.rows_ok - r.rows_updated
    assert con.execute("SELECT count(*) FROM feedback WHERE nps > 10 OR nps < 0").fetchone()[0] == 0


def test_a_column_named_pingjia_is_imported_as_the_text(con):
    """A plain 「评价」 header is the review text: imported, not listed as a column left out."""
    csv = "评价编号,门店编号,评价时间,星级,评价\nR1,S001,2026-03-01 12:00,1,菜里有头发，肚子疼\nR2,S002,2026-03-02 18:00,5,服务很好\n"
    p = pipeline.plan(csv.encode(), "reviews.csv", "review")
    assert not any("未导入的列" in a for a in p.assumptions), p.assumptions
    r = run(con, csv, name="reviews.csv", source="review")
    assert (r.rows_ok, r.rows_rejected) == (2, 0)
    got = dict(con.execute("SELECT store_id, text FROM feedback").fetchall())
    assert got == {"S001": "菜里有头发，肚子疼", "S002": "服务很好"}
