"""The store × month roll-up answers exactly what the rows answer (it is only ever a shortcut)."""
from datetime import date

import pandas as pd
import pytest

from cx import db, rollup, scoring
from cx.filters import Filters
from cx.ingest import import_bytes
from tests.conftest import NOW


def leaves(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    """Indicator counts per store; ``raw`` treats every day as an edge day, i.e. reads only the rows."""
    extra = {"full_start": f.start, "full_end": f.start} if raw else None
    return db.filtered_df(con, "scoring/leaves", f, extra).sort_values("store_id").reset_index(drop=True)


def last_month(con) -> date:
    return con.execute("SELECT max(created_at)::DATE FROM feedback").fetchone()[0].replace(day=1)


@pytest.mark.parametrize("span", ["whole months", "ragged edges", "inside one month"])
@pytest.mark.parametrize("narrow", [{}, {"regions": ("华东",)}, {"sources": ("survey", "review")},
                                    {"channels": ("小程序问卷",)}, {"formats": ("社区店",)}])
def test_rollup_equals_rows(demo_con, span, narrow):
    end = last_month(demo_con)
    start = (pd.Timestamp(end) - pd.DateOffset(months=5)).date()
    f = {"whole months": Filters(start, end - pd.Timedelta(days=1)),
         "ragged edges": Filters(start.replace(day=12), end.replace(day=9)),
         "inside one month": Filters(start.replace(day=3), start.replace(day=20))}[span].with_(**narrow)
    fast, slow = leaves(demo_con, f), leaves(demo_con, f, raw=True)
    assert fast["n"].sum() > 0 or narrow
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)


def test_import_and_rebuild_keep_the_rollup_current(con):
    f = Filters(date(2026, 3, 1), date(2026, 3, 31))
    csv = ("编号,门店编号,时间,推荐度,内容\n" + "".join(f"a{i},S001,2026-03-{i % 28 + 1:02d},{i % 11},上菜太慢了\n"
                                                   for i in range(40))).encode()
    import_bytes(con, csv, "s.csv", "survey", now=NOW)
    fast = leaves(con, f)
    assert fast.loc[fast["store_id"] == "S001", "nps_n"].item() == 40
    pd.testing.assert_frame_equal(fast, leaves(con, f, raw=True), check_dtype=False)
    # a stale roll-up would be visible here; refresh_all is idempotent
    before = con.execute("SELECT * FROM store_month ORDER BY ALL").df()
    rollup.refresh_all(con)
    pd.testing.assert_frame_equal(before, con.execute("SELECT * FROM store_month ORDER BY ALL").df())
    assert scoring.assess(con, f).stores["n"].sum() == 40
