"""门店画像: trends at the chosen time grain (auto from the period, overridable) and the small-sample radar."""
import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from cx import auth, db, overview, sample, scoring
from cx.db import ROOT
from cx.filters import Filters
from ui import shell

HQ = auth.User("t-hq", "测试总部", "hq")


def default_period(path) -> Filters:
    con = db.connect(path, read_only=True)
    first, last = con.execute("SELECT min(created_at)::DATE, max(created_at)::DATE FROM feedback").fetchone()
    con.close()
    return Filters(shell.default_start(first, last), last)


def open_profile(store: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = HQ
    at.run()
    at.switch_page("pages/store_profile.py").run()
    at.selectbox(key="profile_store").set_value(store).run()
    assert not at.exception, at.exception
    return at


def specs(at) -> dict:
    out = {}
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        out[spec["layout"]["title"]["text"].split("<br>")[0]] = spec
    return out


def trend_x(spec) -> list[pd.Timestamp]:
    line = next(t for t in spec["data"] if t.get("mode") == "lines+markers")
    return [pd.Timestamp(x) for x in line["x"]]


def test_profile_trend_follows_the_grain(app_db):
    f = default_period(app_db)
    assert 45 < (f.end - f.start).days + 1 <= 200         # six months: auto picks weeks
    con = db.connect(app_db, read_only=True)
    a = scoring.assess(con, f)
    store = a.stores.loc[~a.stores["insufficient"], "store_id"].iloc[0]
    weekly = overview.monthly(con, f.with_(stores=(store,)), grain="week")
    con.close()
    at = open_profile(store)
    charts = specs(at)
    assert "NPS 每周趋势" in charts and "差评率每周趋势（%）" in charts and "综合得分月度趋势" not in charts
    xs = trend_x(charts["NPS 每周趋势"])
    assert len(xs) == len(weekly) > 20 and all(x.day_of_week == 0 for x in xs)        # one point per ISO week
    band = next(t for t in charts["NPS 每周趋势"]["data"] if t.get("fill") == "toself")   # the 95 % interval
    assert len(band["x"]) == 2 * len(xs)
    assert any("综合得分是按月" in c.value for c in at.caption)
    # the user overrides the grain: months bring the composite back, days give a point per day with data
    at.segmented_control(key="pf_grain").set_value("month").run()
    charts = specs(at)
    assert "综合得分月度趋势" in charts and "NPS 月度趋势" in charts
    assert all(x.day == 1 for x in trend_x(charts["NPS 月度趋势"]))
    at.segmented_control(key="pf_grain").set_value("day").run()
    assert not at.exception, at.exception
    days = trend_x(specs(at)["NPS 每日趋势"])
    assert len(days) > len(xs) and len(set(days)) == len(days)


def test_profile_radar_of_a_small_store_is_grey_and_labelled(app_db):
    f = default_period(app_db)
    con = db.connect(app_db, read_only=True)
    a = scoring.assess(con, f)
    con.close()
    small = a.stores[a.stores["insufficient"]]
    assert len(small), "the small demo has a store below the minimum in the default period"
    store, n = small["store_id"].iloc[0], int(small["n"].iloc[0])
    at = open_profile(store)
    radar = next(s for t, s in specs(at).items() if "雷达" in t)
    own = radar["data"][0]
    assert own["line"]["dash"] == "dash" and own["line"]["color"] == "#BBBBBB" and own.get("fill") is None
    assert sample.LABEL in own["name"] and f"n={n}" in own["name"]
    assert all(t["line"]["dash"] == "solid" for t in radar["data"][1:])
