"""cx.ingest.ui_options: widget values → ImportOptions for the mapping step (only real changes become options),
scale choices per field, the plan cache, display tables and profile-name rules."""
import shutil

import pytest

from cx.db import ROOT
from cx.ingest import ImportFailed, ImportOptions, import_bytes, profiles, values
from cx.ingest import ui_options as uo

FIXTURES = ROOT / "tests" / "fixtures" / "import_cases"
WJX = (FIXTURES / "wjx-option-text" / "wjx_export_by_text.xlsx").read_bytes()
SHEETS = (FIXTURES / "sheet-per-month" / "reviews_by_month_sheets.xlsx").read_bytes()


def test_column_overrides_keep_untouched_columns_implicit():
    proposed = {"store_id": "门店", "created_at": "时间", "text": "意见"}
    same = {"门店": "store_id", "时间": "created_at", "意见": "text", "IP": uo.NOT_IMPORTED}
    assert uo.column_overrides(proposed, same) == {}
    moved = {**same, "意见": uo.NOT_IMPORTED, "IP": "text"}
    assert uo.column_overrides(proposed, moved) == {"text": "IP"}
    dropped = {**same, "意见": uo.NOT_IMPORTED}
    assert uo.column_overrides(proposed, dropped) == {"text": None}


def test_one_field_for_two_columns_is_an_error():
    with pytest.raises(uo.OptionError, match="都被选为门店编号"):
        uo.column_overrides({"store_id": "门店"}, {"门店": "store_id", "店号": "store_id"})


def test_reading_options_only_state_what_differs_from_detection():
    opt = uo.reading_options(profile="wjx_text", detected="wjx_text", sheets=["a", "b"], planned_sheets=["a", "b"],
                             header_rows=1, detected_header_rows=1)
    assert opt == ImportOptions()
    opt = uo.reading_options(profile="generic", detected="wjx_text", sheets=["a"], planned_sheets=["a", "b"],
                             date_order="mdy", timezone="UTC", questionnaire="  九月 ", header_rows=3,
                             detected_header_rows=1)
    assert (opt.profile, opt.sheets, opt.date_order, opt.timezone, opt.questionnaire, opt.header_rows) == \
        ("generic", ["a"], "mdy", "UTC", "九月", 3)
    with pytest.raises(uo.OptionError, match="不是有效时区"):
        uo.reading_options(profile="x", detected="x", sheets=["a"], planned_sheets=["a"], timezone="Mars/Olympus")
    with pytest.raises(uo.OptionError, match="至少选择一个工作表"):
        uo.reading_options(profile="x", detected="x", sheets=[], planned_sheets=["a"])


def test_scales_offered_per_field_are_known_and_direction_is_stated():
    for f, scales in uo.SCALES_FOR.items():
        assert f in values.SCORE_FIELDS
        assert all(s in values.SCALE_LABELS for s in scales)
    assert "effort_1_5" in uo.scales_for("ces") and "stars_x10" not in uo.scales_for("ces")
    assert uo.score_overrides({"ces": "ease_1_7"}, {"ces": "ease_1_7"}) == {}
    assert uo.score_overrides({"ces": "ease_1_7"}, {"ces": "effort_1_5"}) == {"ces": {"scale": "effort_1_5"}}
    assert "反转" in uo.direction_text("ces", "effort_1_5") and "反转" not in uo.direction_text("ces", "ease_1_5")


def test_plan_cache_reuses_plans_and_remembers_failures():
    cache = {}
    a = uo.cached_plan(cache, WJX, "w.xlsx", "survey", ImportOptions())
    b = uo.cached_plan(cache, WJX, "w.xlsx", "survey", ImportOptions())
    assert a is b and len(cache) == 1
    c = uo.cached_plan(cache, WJX, "w.xlsx", "survey", ImportOptions(questionnaire="q"))
    assert c is not a and len(cache) == 2
    with pytest.raises(ImportFailed):
        uo.cached_plan(cache, b"not a workbook", "x.xlsx", "survey", ImportOptions())
    with pytest.raises(ImportFailed):
        uo.cached_plan(cache, b"not a workbook", "x.xlsx", "survey", ImportOptions())
    for i in range(uo.CACHE_SIZE + 3):
        uo.cached_plan(cache, WJX, "w.xlsx", "survey", ImportOptions(questionnaire=f"q{i}"))
    assert len(cache) == uo.CACHE_SIZE


def test_display_tables_of_a_wjx_plan():
    p = uo.cached_plan({}, WJX, "w.xlsx", "survey", ImportOptions())
    rows = {r["header"]: r for r in uo.column_rows(p)}
    assert rows["序号"]["field"] == "source_ref" and rows["序号"]["how"] == "导入配置"
    assert rows["2、您有多大可能向朋友或同事推荐本店？"]["how"] == "题目关键词"
    assert rows["来自IP"]["field"] == uo.NOT_IMPORTED and rows["来自IP"]["how"] == "配置中标为忽略"
    infos = {i.fld: i for i in uo.score_infos(p)}
    labels = infos["csat"].labels
    assert dict(zip(labels["选项文字"], labels["原始分"])) == {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2}
    frame = uo.preview_frame(p)
    assert list(frame.columns) == ["行号", "来源", "门店编号", "时间", "推荐度(NPS)", "满意度(CSAT 1–5)", "评价内容"]
    assert uo.header_info(p) == "表头在第 1 行"


def test_sheet_counts_of_a_multi_sheet_import(con):
    con.execute("INSERT INTO stores (store_id, name, region, city, format) VALUES "
                "('S0001','a','华东','上海','商场店'),('S0002','b','华东','上海','商场店'),"
                "('S0003','c','华东','上海','商场店')")
    r = import_bytes(con, SHEETS, "reviews_by_month_sheets.xlsx", "review")
    frame = uo.sheet_counts_frame(r)
    assert frame["工作表"].tolist() == ["2026年8月", "2026年9月", "2026年10月"]
    assert frame["读取"].sum() == r.rows_in
    assert (frame["成功"] + frame["拒绝"] + frame["重复"]).tolist() == frame["读取"].tolist()
    assert frame["跳过表头/说明行"].tolist() == [0, 0, 0]


def test_profile_names(tmp_path, monkeypatch):
    d = tmp_path / "p"
    shutil.copytree(profiles.PROFILE_DIR, d)
    monkeypatch.setattr(profiles, "PROFILE_DIR", d)
    assert "小写字母" in uo.check_profile_name("My WJX")
    assert "内置导入配置" in uo.check_profile_name("wjx_text", overwrite=True)
    assert uo.check_profile_name("mine") is None
    p = uo.cached_plan({}, WJX, "w.xlsx", "survey", ImportOptions())
    path = uo.save_profile(p, "mine", "我的问卷")
    assert path == d / "saved" / "mine.yaml"
    assert "勾选「覆盖同名配置」" in uo.check_profile_name("mine")
    assert uo.check_profile_name("mine", overwrite=True) is None
    assert profiles.detect(p.raw_headers, "survey").name == "mine"   # saved where detection looks


def test_header_info_states_titles_description_rows_and_joined_headers():
    def info(data: bytes, name="t.csv", source="survey"):
        return uo.header_info(uo.cached_plan({}, data, name, source, ImportOptions()))

    titled = "2026年9月满意度调查\n\n门店编号,时间,推荐度\nS0001,2026-09-01 12:00,9\n门店编号,时间,推荐度\nS0002,2026-09-02 12:00,7\n"
    assert info(titled.encode()) == "表头在第 3 行（上方 1 行标题已跳过），第 5 行为表头说明/重复表头行，已跳过并计数"
    qualtrics = (FIXTURES / "qualtrics-three-header-rows" / "qualtrics_export.csv").read_bytes()
    assert info(qualtrics, "q.csv") == "表头在第 1 行，第 2–3 行为表头说明/重复表头行，已跳过并计数"
    two_level = ",满意度,满意度,\n门店编号,服务,菜品,时间\nS0001,5,4,2026-09-01 12:00\n"
    assert info(two_level.encode()).startswith("表头在第 1 行，第 1–2 行为多级表头，已合并为列名")
    assert info(SHEETS, "s.xlsx", "review") == "各工作表表头在第 1 行"
