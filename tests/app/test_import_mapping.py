"""AppTest: the mapping step of 数据导入 on a 问卷星 "按选项文本" export — proposal, assumptions and preview shown
before anything is written, one selector changed, import with counts, the confirmed mapping saved as a profile
and recognised by its header signature; a multi-sheet workbook with one sheet left out."""
import shutil
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT
from cx.ingest import plan, profiles

FIXTURES = ROOT / "tests" / "fixtures" / "import_cases"
WJX = FIXTURES / "wjx-option-text" / "wjx_export_by_text.xlsx"
SHEETS = FIXTURES / "sheet-per-month" / "reviews_by_month_sheets.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HQ = auth.User("t-hq", "测试总部", "hq")
TEXT_Q = "4、您对本店还有什么意见或建议？"


@pytest.fixture
def profile_dir(tmp_path, monkeypatch):
    """Shipped profiles copied to a temporary directory that saving writes into (the repo's stays untouched)."""
    d = tmp_path / "profiles"
    shutil.copytree(profiles.PROFILE_DIR, d)
    monkeypatch.setattr(profiles, "PROFILE_DIR", d)
    return d


def open_page(path: Path, source: str = "survey") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = HQ
    at.run()
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, at.exception
    if source != "survey":
        at.selectbox(key="imp_source").set_value(source).run()
    at.file_uploader(key="imp_file").set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    return at


def column_selector(at: AppTest, header: str):
    [sb] = [s for s in at.selectbox if s.key and s.key.startswith("imp_col_") and s.label == header]
    return sb


def frame_with(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with column {column}: {[list(d.value.columns) for d in at.dataframe]}"
    return frames[0]


def stored(app_db, sql: str):
    con = db.connect(app_db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_uploader_speaks_chinese(app_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = HQ
    at.run()
    at.switch_page("pages/import_data.py").run()
    up = at.file_uploader(key="imp_file")
    assert up.label == "选择要导入的文件"
    assert set(up.allowed_type) == {".csv", ".txt", ".xlsx"}
    assert any("200 MB" in c.value and "XLSX" in c.value for c in at.caption)


def test_mapping_step_on_a_wjx_export_then_import_and_save_profile(app_db, profile_dir):
    at = open_page(WJX)
    # Proposal: the 问卷星 profile, recognised from the headers, and each question mapped by its keywords.
    assert at.selectbox(key=[s.key for s in at.selectbox if s.key.startswith("imp_profile_")][0]).value == "wjx_text"
    assert column_selector(at, "提交答卷时间").value == "created_at"
    assert column_selector(at, "1、您本次就餐的门店编号是？").value == "store_id"
    assert column_selector(at, "2、您有多大可能向朋友或同事推荐本店？").value == "nps"
    assert column_selector(at, "3、您对本次就餐的整体满意度").value == "csat"
    assert column_selector(at, TEXT_Q).value == "text"
    assert column_selector(at, "来自IP").value == ""                  # 「不导入」
    assert any("表头在第 1 行" in i.value for i in at.info)
    text = "\n".join(m.value for m in at.markdown)
    assert "按导入配置“问卷星（按选项文本）”读取（按表头自动识别）" in text
    assert "答卷序号" in text                                          # id scope stated in words
    assert not at.error
    # The label → score table of the text answers, and the preview of stored values.
    labels = frame_with(at, "选项文字")
    assert dict(zip(labels["选项文字"], labels["存储值"]))["非常满意"] == 5
    preview = frame_with(at, "推荐度(NPS)")
    assert preview["推荐度(NPS)"].tolist() == [9, 6, 10, 3]            # "10 - 极有可能推荐" etc. read
    assert preview["满意度(CSAT 1–5)"].tolist() == [5, 3, 4, 2]        # 非常满意 … 不满意
    assert preview["门店编号"].tolist() == ["S0001", "S0002", "S0003", "S0001"]
    assert "评价内容" in preview.columns
    # Nothing written yet.
    assert stored(app_db, "SELECT count(*) FROM imports")[0][0] == 0

    # Change one selector: the comment question is not imported.
    column_selector(at, TEXT_Q).set_value("").run()
    assert not at.exception, at.exception
    assert "评价内容" not in frame_with(at, "推荐度(NPS)").columns
    [q] = [t for t in at.text_input if t.label == "问卷名称（编号范围）"]
    q.input("堂食满意度九月").run()
    assert "编号在问卷“堂食满意度九月”内唯一" in "\n".join(m.value for m in at.markdown)

    at.button(key="imp_go").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    summary = [s.value for s in at.success]
    assert any(s.startswith("读取 4 行 = 成功 4 + 拒绝 0 + 重复 0（成功中新增 4、更新 0") for s in summary), summary
    rows = stored(app_db, "SELECT f.nps, f.csat, f.text FROM feedback f JOIN imports i USING (import_id) "
                          "WHERE i.file_name = 'wjx_export_by_text.xlsx' ORDER BY f.created_at")
    assert rows == [(9, 5, None), (6, 3, None), (10, 4, None), (3, 2, None)]   # the changed selector was honoured
    hist = frame_with(at, "导入配置")
    assert hist.iloc[0]["导入配置"] == "问卷星（按选项文本）" and hist.iloc[0]["成功"] == 4
    at.button(key="imp_go").click().run()                           # the same file with the same mapping again
    assert any("已按相同映射成功导入过" in i.value for i in at.info), [i.value for i in at.info]
    assert stored(app_db, "SELECT count(*) FROM imports")[0][0] == 1

    # Save the confirmed mapping as a profile: written into the (temporary) profile directory …
    at.text_input(key="imp_pname").input("my_wjx")
    at.text_input(key="imp_plabel").input("九月堂食问卷（问卷星）").run()
    at.button(key="imp_psave").click().run()
    assert not at.exception, at.exception
    assert any("已保存导入配置“九月堂食问卷（问卷星）”" in s.value for s in at.success), [s.value for s in at.success]
    saved = yaml.safe_load((profile_dir / "saved" / "my_wjx.yaml").read_text(encoding="utf-8"))
    assert saved["source"] == "survey" and saved["label"] == "九月堂食问卷（问卷星）"
    assert TEXT_Q not in saved["columns"] and saved["columns"]["3、您对本次就餐的整体满意度"] == "csat"
    assert not (ROOT / "data" / "import_profiles" / "my_wjx.yaml").exists()
    # … and recognised by its header signature for the next file with these headers.
    again = plan(WJX.read_bytes(), "next_month.xlsx", "survey")
    assert again.profile.name == "my_wjx"
    assert "text" not in again.mapping and again.mapping["nps"] == "2、您有多大可能向朋友或同事推荐本店？"
    # A shipped profile's name cannot be taken.
    at.text_input(key="imp_pname").input("wjx_text").run()
    at.button(key="imp_psave").click().run()
    assert any("内置导入配置" in e.value for e in at.error)


def test_two_columns_for_one_field_is_refused(app_db, profile_dir):
    at = open_page(WJX)
    column_selector(at, "来自IP").set_value("store_id").run()
    assert any("都被选为门店编号" in e.value for e in at.error), [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "imp_go"]          # no import from a contradictory mapping


def test_multi_sheet_workbook_with_one_sheet_left_out(app_db, profile_dir):
    at = open_page(SHEETS, "review")
    [sheets] = [m for m in at.multiselect if m.label == "读取的工作表"]
    assert sheets.value == ["2026年8月", "2026年9月", "2026年10月"]
    sheets.unselect("2026年10月").run()
    assert not at.exception, at.exception
    assert "读取工作表：2026年8月、2026年9月（共 3 个）" in "\n".join(m.value for m in at.markdown)
    at.button(key="imp_go").click().run()
    assert not at.exception, at.exception
    counts = frame_with(at, "跳过表头/说明行")        # the per-sheet counts (the preview has a 工作表 column too)
    assert counts["工作表"].tolist() == ["2026年8月", "2026年9月"]
    assert counts["读取"].tolist() == [2, 3]
    assert counts["成功"].sum() + counts["拒绝"].sum() == 5


def test_ambiguous_dates_block_until_the_order_is_chosen_and_time_zone_applies(app_db, profile_dir, tmp_path):
    csv = tmp_path / "us_or_eu.csv"
    csv.write_text("门店编号,时间,推荐度\nS0001,3/4/2026 12:00,9\nS0002,5/6/2026 09:30,4\n", encoding="utf-8")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = HQ
    at.run()
    at.switch_page("pages/import_data.py").run()
    at.file_uploader(key="imp_file").set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("无法确定日期顺序" in e.value and "日期顺序" in e.value for e in at.error), [e.value for e in at.error]
    assert at.button(key="imp_go").disabled                         # never guessed, never imported
    [order] = [s for s in at.selectbox if s.label == "日期顺序"]
    order.set_value("dmy").run()
    assert not at.error, [e.value for e in at.error]
    times = frame_with(at, "推荐度(NPS)")["时间"].astype(str).tolist()
    assert times == ["2026-04-03 12:00:00", "2026-06-05 09:30:00"]
    assert "日期按 日/月/年 解析" in "\n".join(m.value for m in at.markdown)
    [tz] = [s for s in at.selectbox if s.label == "无时区时间的时区"]
    tz.set_value("UTC").run()
    times = frame_with(at, "推荐度(NPS)")["时间"].astype(str).tolist()
    assert times == ["2026-04-03 20:00:00", "2026-06-05 17:30:00"]  # naive UTC times shown in Asia/Shanghai
    assert "未带时区的时间视为 UTC，换算为连锁时区 Asia/Shanghai" in "\n".join(m.value for m in at.markdown)


def test_profile_override_and_ces_scale_selector(app_db, profile_dir):
    at = open_page(WJX)
    [prof] = [s for s in at.selectbox if s.key.startswith("imp_profile_")]
    assert "通用（按列名识别）" in prof.options and "问卷星（按选项文本）（自动识别）" in prof.options
    assert "大众点评/美团 评价导出" not in prof.options                  # profiles of this source only
    prof.set_value("generic").run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "按导入配置“通用（按列名识别）”读取" in text and "自动识别" not in text
    assert column_selector(at, "来自IP").value == ""                 # not ignored by a profile any more, still unmapped

    ces = FIXTURES / "ces-effort-1-5" / "ces_effort_1easy_5hard.csv"
    at.file_uploader(key="imp_file").set_value((ces.name, ces.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    [scale] = [s for s in at.selectbox if s.key.startswith("imp_scale_") and s.key.endswith("_ces")]
    assert scale.value == "effort_1_5"                              # 表头含“费力”: higher = more effort
    assert set(scale.options) >= {"1–5 费力度（1 = 非常省力，5 = 非常费力，越高越费力）", "1–5 容易度（5 = 非常容易，越高越省力）"}
    assert any("反转" in c.value for c in at.caption)
    stored_ces = frame_with(at, "费力度(CES 1–7，7 = 最省力)")["费力度(CES 1–7，7 = 最省力)"].tolist()
    assert stored_ces == [1, 1, 1, 1, 1, 7, 7, 6]                   # 5 (非常费力) → 1, 1 (非常省力) → 7
    scale.set_value("ease_1_5").run()
    stored_ces = frame_with(at, "费力度(CES 1–7，7 = 最省力)")["费力度(CES 1–7，7 = 最省力)"].tolist()
    assert stored_ces == [7, 7, 7, 7, 7, 1, 1, 2]                   # read the other way round when the user says so
    assert "按 1–5 容易度" in "\n".join(m.value for m in at.markdown)
