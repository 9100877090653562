"""The import benchmark at tiny sizes: its generated files look like the exports they imitate, it runs end to
end through cx.ingest, and its counts add up. No timings are asserted (machines are noisy)."""
from __future__ import annotations

import openpyxl
import pandas as pd

from benchmarks import import_bench as bench


def test_survey_csv_is_a_wjx_text_export_with_unique_texts(tmp_path):
    p = tmp_path / "s.csv"
    assert bench.write_survey_csv(p, rows=400, seed=3) == 400
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")                      # UTF-8 BOM, as the tool writes
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    assert list(df.columns) == bench.SURVEY_HEADER and len(df) == 400
    assert df["序号"].tolist() == [str(i) for i in range(1, 401)]
    texts = df["6、您对本店还有什么意见或建议？"]
    answered = texts[texts != "(空)"]
    assert 0.5 < len(answered) / len(df) < 0.9 and answered.is_unique
    assert set(df["3、您对本次就餐的整体满意度"]) <= set(bench.SATISFACTION)
    assert {"0 - 完全不可能推荐", "10 - 极有可能推荐"} & set(df["2、您有多大可能向朋友或同事推荐本店？"])
    # same seed, same file
    bench.write_survey_csv(tmp_path / "again.csv", rows=400, seed=3)
    assert (tmp_path / "again.csv").read_bytes() == p.read_bytes()


def test_review_workbook_has_one_sheet_per_month(tmp_path):
    p = tmp_path / "r.xlsx"
    assert bench.write_review_xlsx(p, 91, sheets=3, seed=3) == 91
    wb = openpyxl.load_workbook(p, read_only=True)
    try:
        assert wb.sheetnames == ["2026年8月", "2026年9月", "2026年10月"]
        sizes = [sum(1 for _ in ws.iter_rows(values_only=True)) - 1 for ws in wb.worksheets]
        header = next(wb.worksheets[1].iter_rows(values_only=True))
        first = next(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()
    assert sizes == [31, 30, 30]
    assert list(header) == bench.REVIEW_HEADER
    assert first[4].month == 9 and first[5] in (0, 10, 20, 30, 35, 40, 45, 50)


def test_benchmark_runs_end_to_end_and_counts_add_up(capsys):
    code = bench.main(["--csv-rows", "300", "--xlsx-rows", "90", "--preview-mb", "0.05", "--repeats", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("-> adds up") == 2, out
    assert "rows_in 300 = ok" in out and "rows_in 90 = ok" in out
    assert "per sheet: 2026年8月 30 read" in out
    assert "mapping-step preview" in out and "problems: none" in out
    assert "same preview and assumptions: True" in out
