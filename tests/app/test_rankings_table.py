"""门店排名: the league table is derived once (pages/rankings.py `_tables`) and follows the view choices."""
from tests.helpers import open_page


def test_the_table_shows_the_view_and_the_hide_toggle_drops_small_samples(app_db):
    at = open_page("pages/rankings.py")
    table = at.dataframe[0].value
    small = table[table["样本不足"]]
    assert len(small) and len(table) > len(small), "the small demo has stores on both sides of the minimum"
    assert set(small["排名"]) == {"样本不足"} and set(small["区间"]) == {"样本不足"}
    assert list(at.selectbox(key="rk_pick").options) == [f"{s} {n}" for s, n in zip(table["门店编号"], table["店名"])]
    at.toggle(key="rk_hide").set_value(True).run()
    assert not at.exception, at.exception
    hidden = at.dataframe[0].value
    assert not hidden["样本不足"].any()
    assert list(hidden["门店编号"]) == [s for s, small_ in zip(table["门店编号"], table["样本不足"]) if not small_]
    assert hidden.reset_index(drop=True).equals(table[~table["样本不足"]].reset_index(drop=True))   # same rows, same words
    assert list(at.selectbox(key="rk_pick").options) == [f"{s} {n}" for s, n in zip(hidden["门店编号"], hidden["店名"])]
