"""The shared test kit itself: rows with commas and quotes arrive intact; counts see what changed."""
from tests.helpers import counts, load_rows


def test_load_rows_quotes_and_counts(con):
    before = counts(con)
    r = load_rows(con, "review", ["编号", "门店编号", "时间", "内容"],
                  [("r1", "S001", "2026-03-01 12:00", '上菜慢,等了"半小时"'), ("r2", "S002", "2026-03-02", "好吃")])
    after = counts(con)
    assert after["feedback"] - before["feedback"] == 2 and after["imports"] == before["imports"] + 1
    assert {k: v for k, v in after.items() if k not in ("feedback", "imports")} == \
        {k: v for k, v in before.items() if k not in ("feedback", "imports")}
    assert con.execute("SELECT text FROM feedback WHERE store_id = 'S001'").fetchone()[0] == '上菜慢,等了"半小时"'
    assert r is not None
