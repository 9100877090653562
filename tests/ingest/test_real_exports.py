"""Files shaped like real exports (tests/fixtures/import_cases/, copied from ../shared/cases/import): each imports
with the values its expected.yaml gives. Every case is read from its expected.yaml, not re-typed here."""
from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from cx import db, overview
from cx.filters import Filters
from cx.ingest import ImportFailed, import_bytes, import_file, plan

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "import_cases"
NOW = datetime(2026, 11, 29, 12, 0)


@pytest.fixture
def store():
    c = db.connect(":memory:")
    c.execute("INSERT INTO stores (store_id, name, region, city) "
              "SELECT 'S00' || lpad(i::VARCHAR, 2, '0'), '店' || i, '华东', '上海' FROM range(1, 26) t(i)")
    yield c
    c.close()


def expected(case: str) -> dict:
    return yaml.safe_load((CASES / case / "expected.yaml").read_text(encoding="utf-8"))


def load(con, case: str, file: str, source: str, **kw):
    return import_file(con, CASES / case / file, source, now=NOW, **kw)


SINGLE = ["dianping-star-scale", "month-first-dates", "nps-option-text", "ces-effort-1-5", "qualtrics-three-header-rows",
          "utc-offsets", "wjx-option-text", "score-formats-and-masked-rejects", "sheet-per-month"]


@pytest.mark.parametrize("case", SINGLE)
def test_counts_match_expected(store, case):
    e = expected(case)
    r = load(store, case, e["file"], e["source"])
    assert r.rows_in == e["rows"]["read"]
    assert r.rows_ok == e["rows"]["imported"]
    assert r.rows_rejected == e["rows"]["rejected"]
    assert r.rows_in == r.rows_ok + r.rows_rejected + r.rows_duplicate


def _by_time(con) -> list[dict]:
    return con.execute(
        "SELECT store_id, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, nps, csat, ces, rating, text "
        "FROM feedback ORDER BY created_at, store_id").df().to_dict("records")


@pytest.mark.parametrize("case", ["dianping-star-scale", "month-first-dates", "utc-offsets", "score-formats-and-masked-rejects"])
def test_stored_values_by_source_ref(store, case):
    """Each expected row (named by its source_ref) is stored with the expected values."""
    e = expected(case)
    r = load(store, case, e["file"], e["source"])
    p = plan((CASES / case / e["file"]).read_bytes(), e["file"], e["source"], preview_rows=None)
    ref_header = p.mapping["source_ref"]
    from cx.ingest.validate import stable_id
    for want in e["stored"]:
        fid = stable_id(e["source"], want["source_ref"])
        got = store.execute("SELECT strftime(created_at, '%Y-%m-%d %H:%M:%S'), rating, nps, csat, text FROM feedback "
                            "WHERE feedback_id = ?", [fid]).fetchone()
        assert got is not None, f"{want['source_ref']} not stored ({ref_header})"
        if "created_at" in want:
            assert got[0] == want["created_at"], want
        if "rating" in want:
            assert got[1] == want["rating"], want
        if "nps" in want:
            assert got[2] == want["nps"], want
        if "csat" in want:
            assert got[3] == want["csat"], want
        if "text" in want:
            assert got[4] == want["text"], want
    assert r.rows_ok == len(store.execute("SELECT * FROM feedback").fetchall())


@pytest.mark.parametrize("case", ["qualtrics-three-header-rows", "wjx-option-text"])
def test_stored_values_by_store_and_time(store, case):
    e = expected(case)
    load(store, case, e["file"], e["source"])
    rows = _by_time(store)
    assert len(rows) == len(e["stored"])
    for want, got in zip(sorted(e["stored"], key=lambda w: w["created_at"]), rows):
        for k, v in want.items():
            assert got[k] == v or (v is None and pd.isna(got[k])), (k, want, got)


def test_qualtrics_header_rows_never_create_stores(store):
    e = expected("qualtrics-three-header-rows")
    before = store.execute("SELECT count(*) FROM stores").fetchone()[0]
    r = load(store, "qualtrics-three-header-rows", e["file"], "survey", unknown_store="create")
    assert r.rows_skipped == 2 and r.rows_rejected == 0 and not r.new_stores
    assert store.execute("SELECT count(*) FROM stores").fetchone()[0] == before
    assert any("UTC" in a for a in r.assumptions)


def test_sheet_per_month_counts_every_sheet(store):
    e = expected("sheet-per-month")
    r = load(store, "sheet-per-month", e["file"], "review")
    assert {n: c["read"] for n, c in r.sheets.items()} == e["per_sheet"]
    for name, n in e["per_sheet"].items():
        assert name in r.summary() and r.sheets[name]["ok"] == n
    from cx.ingest.validate import stable_id
    for want in e["stored"]:
        got = store.execute("SELECT store_id, rating FROM feedback WHERE feedback_id = ?",
                            [stable_id("review", want["source_ref"])]).fetchone()
        assert got == (want["store_id"], want["rating"])


def test_sheet_choice_and_reimport_after_changing_mapping(store):
    """The SHA-256 check keys on file + mapping: choosing fewer sheets first, then all, imports the rest."""
    e = expected("sheet-per-month")
    r1 = load(store, "sheet-per-month", e["file"], "review", sheets=["2026年9月"])
    assert r1.rows_ok == 3 and list(r1.sheets) == ["2026年9月"]
    r2 = load(store, "sheet-per-month", e["file"], "review")
    assert r2.status == "ok" and r2.rows_ok == 4 and r2.rows_duplicate == 3
    r3 = load(store, "sheet-per-month", e["file"], "review")
    assert r3.status == "same_file"


def test_ces_effort_scale_reports_low_effort_share(store):
    e = expected("ces-effort-1-5")
    r = load(store, "ces-effort-1-5", e["file"], "survey")
    assert any("越高越费力" in a for a in r.assumptions)
    k = overview.kpis(store, Filters(date(2026, 9, 1), date(2026, 9, 30)), compare=False)
    assert k["ces"].value == pytest.approx(e["ces_low_effort_share"])
    raw = store.execute("SELECT ces_raw, ces FROM feedback ORDER BY ces_raw").fetchall()
    assert raw[0] == (1.0, 7) and raw[-1] == (5.0, 1)          # the original answer is kept


def test_nps_option_text(store):
    e = expected("nps-option-text")
    load(store, "nps-option-text", e["file"], "survey")
    vals = [r[0] for r in store.execute("SELECT nps FROM feedback ORDER BY created_at").fetchall()]
    assert vals == e["nps_values"]
    k = overview.kpis(store, Filters(date(2026, 9, 1), date(2026, 9, 30)), compare=False)
    assert k["nps"].value == pytest.approx(e["nps"])


def test_month_first_without_a_witness_stops_and_follows_an_explicit_order(store, tmp_path):
    src = (CASES / "month-first-dates" / "google_forms_us_dates.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "no_gf4.csv"
    f.write_text("\n".join(line for line in src if not line.startswith("GF4")) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="无法确定日期顺序.*--date-order"):
        import_file(store, f, "survey", now=NOW)
    assert store.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    r = import_file(store, f, "survey", now=NOW, date_order="mdy")
    assert r.rows_ok == 4
    assert store.execute("SELECT min(created_at) FROM feedback").fetchone()[0] == datetime(2026, 9, 3, 12, 30, 5)


def test_rejects_are_masked(store):
    e = expected("score-formats-and-masked-rejects")
    r = load(store, "score-formats-and-masked-rejects", e["file"], "survey")
    assert r.rows_rejected == 1
    rows = store.execute("SELECT raw, reason FROM rejects").fetchall()
    assert len(rows) == 1 and e["rejected"][0]["reason_mentions"] in rows[0][1]
    for phone in e["rejects_raw_must_not_contain"]:
        assert all(phone not in raw for raw, _ in rows)
    assert json.loads(rows[0][0])["问卷编号"] == "F06"


@pytest.mark.parametrize("file", ["B_after_excel_resave.csv", "D_excel_saved.xlsx"])
def test_excel_mangled_ids_are_refused(store, file):
    with pytest.raises(ImportFailed) as e:
        load(store, "excel-mangled-ids", file, "service")
    assert "工单编号" in str(e.value) and "科学计数法" in str(e.value)
    assert store.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    assert store.execute("SELECT file_name, status FROM imports").fetchall() == [(file, "failed")]


def test_excel_mangled_phone_column_is_named(store, tmp_path):
    text = (CASES / "excel-mangled-ids" / "A_original_export.csv").read_text(encoding="utf-8-sig")
    f = tmp_path / "phones.csv"
    f.write_text(text.replace("13800138001", "1.38001E+10"), encoding="utf-8")
    with pytest.raises(ImportFailed, match="顾客手机"):
        import_file(store, f, "service", now=NOW)


def test_excel_original_keeps_four_customers(store):
    r = load(store, "excel-mangled-ids", "A_original_export.csv", "service")
    assert r.rows_ok == 4
    assert store.execute("SELECT count(DISTINCT customer_key), count(DISTINCT text) FROM feedback").fetchone() == (4, 4)


def test_same_id_twice_in_one_file_keeps_the_later_row(store):
    r = load(store, "same-id-conflicts", "c_one_file_same_id_twice.csv", "review")
    rows = store.execute("SELECT rating, text FROM feedback").fetchall()
    assert rows == [(1.0, "追评：打电话投诉没人管，菜凉了还收全价")]
    assert r.conflicts and "第 2 行" in r.conflicts[0] and "第 3 行" in r.conflicts[0]
    assert store.execute("SELECT count(DISTINCT clause) FROM mentions").fetchone()[0] >= 1
    assert r.rows_in == r.rows_ok + r.rows_duplicate


def test_edited_review_is_an_update_with_audit(store):
    load(store, "same-id-conflicts", "a1_reviews_sep_export.csv", "review")
    r = load(store, "same-id-conflicts", "a2_reviews_oct_export_edited.csv", "review")
    assert (r.rows_updated, r.rows_duplicate, r.rows_new) == (1, 1, 1)
    assert "更新 1" in r.summary()
    from cx.ingest.validate import stable_id
    got = store.execute("SELECT rating, text, sentiment FROM feedback WHERE feedback_id = ?", [stable_id("review", "R-5001")]).fetchone()
    assert got[0] == 4 and "改成4星" in got[1] and got[2] is not None
    old = store.execute("SELECT rating, text FROM feedback_versions").fetchall()
    assert old == [(1.0, "等了一个小时还没上菜，差评")]
    assert store.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3
    # the mentions are those of the new text only
    clauses = [c for (c,) in store.execute("SELECT clause FROM mentions WHERE feedback_id = ?", [stable_id("review", "R-5001")]).fetchall()]
    assert clauses and all("等了一个小时" not in c for c in clauses)


def test_two_questionnaires_numbered_alike_are_both_kept(store):
    load(store, "same-id-conflicts", "d1_dinein_survey.csv", "survey")
    r = load(store, "same-id-conflicts", "d2_delivery_survey.csv", "survey")
    assert r.rows_new == 5 and r.rows_duplicate == 0
    assert store.execute("SELECT count(*) FROM feedback WHERE source = 'survey'").fetchone()[0] == 10


def test_counter_ids_with_a_questionnaire_name_update_in_place(store, tmp_path):
    """腾讯问卷 answer.update: the same answer number of the same questionnaire with new scores is an update."""
    a = tmp_path / "day1.csv"
    b = tmp_path / "day2.csv"
    a.write_text("编号,门店编号,提交时间,推荐度,满意度,建议\n17,S0004,2026-10-10 12:00,3,2,上菜慢\n", encoding="utf-8")
    b.write_text("编号,门店编号,提交时间,推荐度,满意度,建议\n17,S0004,2026-10-10 12:05,9,5,后来经理处理得很好\n", encoding="utf-8")
    import_file(store, a, "survey", now=NOW, questionnaire="堂食满意度")
    r = import_file(store, b, "survey", now=NOW, questionnaire="堂食满意度")
    assert r.rows_updated == 1
    assert store.execute("SELECT nps, csat FROM feedback").fetchall() == [(9, 5)]


def test_one_stored_row_per_id_is_enforced_by_the_store(store):
    store.execute("INSERT INTO feedback (feedback_id, source, created_at) VALUES ('x', 'survey', now())")
    with pytest.raises(Exception, match="(?i)duplicate|unique|constraint"):
        store.execute("INSERT INTO feedback (feedback_id, source, created_at) VALUES ('x', 'review', now())")


def test_anonymous_detractors_get_one_ticket_each(store):
    # another keyed answer of the same store and week must not make the anonymous ones one customer
    store.execute("INSERT INTO feedback (feedback_id, source, store_id, created_at, customer_key, nps) VALUES "
                  "('k1', 'survey', 'S0010', '2026-10-20 10:00', 'cabc', 9)")
    e = expected("anonymous-detractors")
    r = load(store, "anonymous-detractors", "A2_anonymous_no_customer_column_oct.csv", "survey")
    assert r.rows_ok == 4
    assert store.execute("SELECT count(*) FROM feedback WHERE customer_key IS NULL").fetchone()[0] == 4
    assert store.execute("SELECT count(*) FROM feedback WHERE customer_key = 'nan'").fetchone()[0] == 0
    per_rule = dict(store.execute("SELECT rule_id, count(*) FROM tickets GROUP BY rule_id").fetchall())
    assert per_rule.get("nps_detractor") == 4, (per_rule, e["cases"][0]["expect"])
    c = db.connect(":memory:")
    c.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S0010', 'x', '华东', '上海')")
    import_file(c, CASES / "anonymous-detractors" / "C_control_distinct_customers.csv", "survey", now=NOW)
    ctrl = dict(c.execute("SELECT rule_id, count(*) FROM tickets GROUP BY rule_id").fetchall())
    assert ctrl.get("nps_detractor") == per_rule.get("nps_detractor") and ctrl.get("csat_very_low") == per_rule.get("csat_very_low")


def test_anonymous_marker_zero_is_not_a_customer(store, tmp_path):
    f = tmp_path / "wj.csv"
    f.write_text("答卷编号,门店编号,提交时间,用户id,推荐度\nW1,S0010,2026-10-19 12:10,0,0\nW2,S0010,2026-10-20 12:10,0,1\n", encoding="utf-8")
    import_file(store, f, "survey", now=NOW)
    assert store.execute("SELECT count(*) FROM feedback WHERE customer_key IS NULL").fetchone()[0] == 2


# --- kinds beyond the sample files -------------------------------------------------------------------------

def _xlsx(rows_by_sheet: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    first = True
    for name, rows in rows_by_sheet.items():
        ws = wb.active if first else wb.create_sheet()
        ws.title = name
        first = False
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_title_rows_above_the_header_are_skipped(store):
    data = _xlsx({"导出": [["2026年9月顾客满意度调查 导出结果"], [], ["编号", "门店编号", "提交时间", "推荐度"],
                            ["a", "S0001", "2026-09-03 12:00", 9]]})
    r = import_bytes(store, data, "t.xlsx", "survey", now=NOW)
    assert r.rows_ok == 1 and any("表头在第 3 行" in a for a in r.assumptions)


def test_two_level_merged_header_is_joined():
    data = _xlsx({"S": [["门店编号", "提交时间", "满意度", "", "", "意见"],
                         ["", "", "整体", "服务", "菜品", ""],
                         ["S0001", "2026-09-03 12:00", 5, 4, 3, "好"]]})
    p = plan(data, "m.xlsx", "survey")
    assert "满意度-整体" in p.headers and p.mapping["csat"] == "满意度-整体"


def test_utf16_and_utf32_with_bom_decode(store):
    text = "编号,门店编号,提交时间,推荐度\nu1,S0001,2026-09-03 12:00,9\n"
    for enc in ("utf-16", "utf-32"):
        r = import_bytes(store, text.replace("u1", enc).encode(enc), f"{enc}.csv", "survey", now=NOW)
        assert r.rows_ok == 1, enc


def test_mixed_encodings_are_refused_naming_the_line(store):
    data = "编号,门店编号,提交时间,推荐度\nu1,S0001,2026-09-03 12:00,9\n".encode("utf-8") + \
        "u2,S0002,2026-09-03 12:00,8,好吃\n".replace(",好吃", "").encode("utf-8") + "u3,S0003,2026-09-03 13:00,7\n测试,S0003,2026-09-04,7\n".encode("gbk")
    with pytest.raises(ImportFailed, match="第 5 行"):
        import_bytes(store, data, "mixed.csv", "survey", now=NOW)


def test_bom_in_the_middle_and_repeated_header_lines(store):
    text = ("\ufeff编号,门店编号,提交时间,推荐度\nu1,S0001,2026-09-03 12:00,9\n"
            "\ufeff编号,门店编号,提交时间,推荐度\nu2,\ufeffS0002,2026-09-04 12:00,8\n")
    r = import_bytes(store, text.encode("utf-8"), "cat.csv", "survey", now=NOW)
    assert (r.rows_ok, r.rows_skipped, r.rows_rejected) == (2, 1, 0)
    assert {s for (s,) in store.execute("SELECT store_id FROM feedback").fetchall()} == {"S0001", "S0002"}


def test_trailing_delimiter_semicolon_decimal_comma_and_day_first(store):
    text = "评价编号;门店编号;评价时间;星级;评价内容;\nR1;S0001;03.09.2026 12:30;4,5;不错;\nR2;S0002;25.09.2026 19:00;3;一般;\n"
    r = import_bytes(store, text.encode("utf-8"), "eu.csv", "review", now=NOW)
    assert r.rows_ok == 2
    assert store.execute("SELECT rating, strftime(created_at, '%m-%d') FROM feedback ORDER BY created_at").fetchall() == \
        [(4.5, "09-03"), (3.0, "09-25")]


def test_duplicate_column_names_need_an_explicit_choice(store):
    text = "编号,门店编号,评价时间,评分,评分,评分,评价内容\nR1,S0001,2026-09-03,5,3,1,好\n"
    with pytest.raises(ImportFailed, match="出现了 3 次"):
        import_bytes(store, text.encode(), "dup.csv", "review", now=NOW)
    r = import_bytes(store, text.encode(), "dup.csv", "review", now=NOW, options={"columns": {"rating": "评分 (3)"}})
    assert r.rows_ok == 1 and store.execute("SELECT rating FROM feedback").fetchone()[0] == 1.0


def test_star_only_reviews_and_placeholder_texts(store):
    text = ("评价ID,门店ID,评价时间,总体评分,评价内容\nM1,S0001,2026-09-03 12:00,5,此用户没有填写评价。\n"
            "M2,S0002,2026-09-03 13:00,4,\nM3,S0003,2026-09-03 14:00,1,系统默认好评\n")
    r = import_bytes(store, text.encode(), "mt.csv", "review", now=NOW)
    assert r.rows_ok == 3 and r.profile == "dianping_meituan"
    assert store.execute("SELECT count(*) FROM feedback WHERE text IS NULL AND rating IS NOT NULL").fetchone()[0] == 3


def test_chinese_locale_times_and_epoch(store):
    text = ("编号,门店编号,提交时间,推荐度\na,S0001,2026年9月3日 星期四 下午3:05,9\nb,S0001,2026/9/4 晚8:00,8\n"
            "c,S0001,1788408005,7\n")
    r = import_bytes(store, text.encode(), "loc.csv", "survey", now=NOW)
    assert r.rows_ok == 3
    got = [t for (t,) in store.execute("SELECT strftime(created_at, '%Y-%m-%d %H:%M') FROM feedback ORDER BY created_at").fetchall()]
    assert got == ["2026-09-03 12:00", "2026-09-03 15:05", "2026-09-04 20:00"]


def test_excel_serial_dates_in_text_files(store):
    text = "编号,门店编号,提交时间,推荐度\na,S0001,46268.5,9\n"
    import_bytes(store, text.encode(), "serial.csv", "survey", now=NOW)
    assert store.execute("SELECT created_at FROM feedback").fetchone()[0] == datetime(2026, 9, 3, 12, 0)


def test_ten_point_satisfaction_column_is_rescaled_whole(store):
    vals = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 9]
    text = "编号,门店编号,提交时间,满意度\n" + "".join(f"q{i},S0001,2026-09-0{1 + i % 9} 12:00,{v}\n" for i, v in enumerate(vals))
    r = import_bytes(store, text.encode(), "c10.csv", "survey", now=NOW)
    assert r.rows_ok == len(vals) and any("1–10" in a for a in r.assumptions)
    k = overview.kpis(store, Filters(date(2026, 9, 1), date(2026, 9, 30)), compare=False)
    assert k["csat"].value == pytest.approx(sum(v >= 7 for v in vals) / len(vals))


def test_very_long_text_is_stored_whole(store):
    long_text = "菜很好吃。" * 5000
    text = f"评价编号,门店编号,评价时间,评价内容\nL1,S0001,2026-09-03 12:00,{long_text}\n"
    r = import_bytes(store, text.encode(), "long.csv", "review", now=NOW)
    assert r.rows_ok == 1 and any("超过" in n for n in r.notes)
    assert len(store.execute("SELECT text FROM feedback").fetchone()[0]) == len(long_text)


def test_zero_width_joiner_inside_emoji_is_kept(store):
    text = "评价编号,门店编号,评价时间,评价内容\nE1,S0001,2026-09-03 12:00,一家人来吃👨\u200d👩\u200d👧很开心\u200b\n"
    import_bytes(store, text.encode(), "emoji.csv", "review", now=NOW)
    assert store.execute("SELECT text FROM feedback").fetchone()[0] == "一家人来吃👨\u200d👩\u200d👧很开心"


def test_store_codes_that_lost_leading_zeros_are_never_created(store):
    store.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('0012', '十二号店', '华东', '上海')")
    text = "编号,门店编号,提交时间,推荐度\na,12,2026-09-03 12:00,9\nb,S0099,2026-09-03 12:00,9\n"
    r = import_bytes(store, text.encode(), "z.csv", "survey", now=NOW, unknown_store="create")
    assert r.new_stores == ["S0099"]
    reason = store.execute("SELECT reason FROM rejects").fetchone()[0]
    assert "0012" in reason


def test_profiles_are_validated_with_chinese_errors(tmp_path):
    from cx.ingest import profiles
    (tmp_path / "bad.yaml").write_text("name: bad\ncolumns: {时间: when}\n", encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match="bad.yaml.*字段“when”无效"):
        profiles.load_all(tmp_path)


def test_saved_profile_is_detected_by_header_signature(tmp_path, monkeypatch):
    from cx.ingest import profiles
    data = "单号,店,日期,打分,留言\nx1,S0001,2026-09-03 12:00,4,好\n".encode()
    monkeypatch.setattr(profiles, "PROFILE_DIR", tmp_path)
    p = plan(data, "own.csv", "review", {"columns": {"source_ref": "单号", "store_id": "店", "rating": "打分", "text": "留言"}})
    assert not p.problems
    profiles.save("my_pos", "收银系统评价", "review", p.raw_headers, p.profile_doc())
    again = plan(data, "own2.csv", "review")
    assert again.profile.name == "my_pos" and again.mapping["store_id"] == "店" and not again.problems


@pytest.mark.parametrize("source", ["survey", "service", "review", "opinion", "kano"])
def test_downloaded_templates_map_and_import(store, source):
    """The 下载导入模板 file of every source maps without a question and imports its example row."""
    from cx.ingest.templates import template_csv
    store.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S001', 'x', '华东', '上海')")
    data = template_csv(source)
    p = plan(data, "t.csv", source)
    assert not p.problems, p.problems
    r = import_bytes(store, data, "t.csv", source, now=NOW)
    assert (r.rows_ok, r.rows_rejected) == (1, 0), r.summary()


def test_skipped_answer_markers_are_empty_not_values(store):
    """问卷星 writes "(空)"/"(跳过)" for an unanswered question: never one shared customer, never a score."""
    text = ("序号,提交答卷时间,所用时间,来自IP,1、门店编号,2、手机号,3、推荐可能性,4、整体满意度\n"
            "1,2026/9/3 12:00:05,10秒,1.1.1.1,S0001,(空),(跳过),2\n2,2026/9/3 13:00:05,12秒,1.1.1.2,S0001,(空),1,1\n")
    r = import_bytes(store, text.encode(), "wjx.csv", "survey", now=NOW)
    assert r.rows_ok == 2 and r.profile.startswith("wjx")
    assert store.execute("SELECT count(*) FROM feedback WHERE customer_key IS NULL").fetchone()[0] == 2
    assert store.execute("SELECT nps, csat FROM feedback ORDER BY created_at").fetchall() == [(None, 2), (1, 1)]
    assert dict(store.execute("SELECT rule_id, count(*) FROM tickets GROUP BY 1").fetchall()).get("csat_very_low") == 2


def test_older_export_after_a_newer_one_does_not_undo_the_edit(store, tmp_path):
    load(store, "same-id-conflicts", "a1_reviews_sep_export.csv", "review")
    load(store, "same-id-conflicts", "a2_reviews_oct_export_edited.csv", "review")
    older = tmp_path / "a1_plus.csv"          # the September export again, with one more review: read row by row
    older.write_text((CASES / "same-id-conflicts" / "a1_reviews_sep_export.csv").read_text(encoding="utf-8-sig")
                     + "R-5009,S0009,2026-09-05 12:00,5,不错\n", encoding="utf-8")
    r = import_file(store, older, "review", now=NOW)
    from cx.ingest.validate import stable_id
    got = store.execute("SELECT rating FROM feedback WHERE feedback_id = ?", [stable_id("review", "R-5001")]).fetchone()
    assert got == (4.0,) and r.rows_updated == 0 and any("旧版本" in n for n in r.notes)


def test_update_names_the_records_and_notes_open_tickets(store):
    load(store, "same-id-conflicts", "a1_reviews_sep_export.csv", "review")
    t = store.execute("SELECT ticket_id FROM tickets WHERE rule_id = 'public_bad_review'").fetchone()[0]
    r = load(store, "same-id-conflicts", "a2_reviews_oct_export_edited.csv", "review")
    assert any("R-5001" in n and "工单" in n for n in r.notes)
    ev = store.execute("SELECT detail FROM ticket_events WHERE ticket_id = ? AND actor = '导入' AND event = 'commented'",
                       [t]).fetchall()
    assert ev and "改成4星" in ev[0][0]


def test_every_mangled_column_is_named_at_once(store, tmp_path):
    text = (CASES / "excel-mangled-ids" / "B_after_excel_resave.csv").read_bytes()
    with pytest.raises(ImportFailed) as e:
        import_bytes(store, text, "b.csv", "service", now=NOW)
    assert "工单编号" in str(e.value) and "顾客手机" in str(e.value) and "1.29876E+18" in str(e.value)


def test_duplicate_columns_message_and_cli_choice(store, tmp_path):
    text = "编号,门店编号,提交时间,推荐度,推荐度\nq1,S0001,2026-09-03 12:00,9,3\n"
    with pytest.raises(ImportFailed) as e:
        import_bytes(store, text.encode(), "d.csv", "survey", now=NOW)
    msg = str(e.value)
    assert "列映射需要确认" in msg and "--column nps=" in msg and "至少需要" not in msg
    from cx.cli import main
    f = tmp_path / "d.csv"
    f.write_text(text, encoding="utf-8")
    db_path = tmp_path / "s.duckdb"
    c = db.connect(db_path)
    c.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S0001', 'x', '华东', '上海')")
    c.close()
    assert main(["ingest", str(f), "--source", "survey", "--db", str(db_path), "--column", "nps=推荐度 (2)"]) == 0
    c = db.connect(db_path)
    assert c.execute("SELECT nps FROM feedback").fetchall() == [(3,)]
    c.close()


def test_unmapped_columns_are_stated(store):
    p = plan("编号,门店编号,提交时间,推荐度,备注2\nq1,S0001,2026-09-03 12:00,9,看这里\n".encode(), "u.csv", "survey")
    assert any("未导入的列" in a and "备注2" in a for a in p.assumptions)


def test_rejects_download_can_be_fixed_and_imported_again(store):
    from cx.ingest import rejects_of, rejects_table
    text = "评价编号,门店编号,评价时间,星级,评价内容\nR1,S0001,2026-09-03 12:00,9,太贵\nR2,S0404,2026-09-03 13:00,5,好\n"
    r = import_bytes(store, text.encode(), "r.csv", "review", now=NOW)
    table = rejects_table(rejects_of(store, r.import_id))
    assert list(table.columns[:2]) == ["行号", "原因"] and "评价内容" in table.columns
    fixed = table.drop(columns=["行号", "原因"])
    fixed.loc[fixed["评价编号"] == "R1", "星级"] = "2"
    fixed.loc[fixed["评价编号"] == "R2", "门店编号"] = "S0002"
    r2 = import_bytes(store, fixed.to_csv(index=False).encode(), "fixed.csv", "review", now=NOW)
    assert (r2.rows_ok, r2.rows_rejected) == (2, 0)


def test_survey_template_ces_reads_as_canonical_ease(store):
    from cx.ingest.templates import template_csv
    store.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S001', 'x', '华东', '上海')")
    import_bytes(store, template_csv("survey"), "t.csv", "survey", now=NOW)
    assert store.execute("SELECT ces, ces_raw FROM feedback").fetchone() == (6, None)
