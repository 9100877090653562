"""Role isolation matrix: every domain function behind a page or export, called with a scoped user's
filters, returns no row of a store outside the scope."""
from datetime import date

import pandas as pd
import pytest

from cx import auth, drivers, journey, kano, overview, painpoints, scoring
from cx.filters import Filters
from cx.loop import tickets, verify

YEAR = (date(2025, 11, 1), date(2026, 10, 31))


def roles(con):
    region, store = con.execute("SELECT region, min(store_id) FROM stores GROUP BY 1 ORDER BY 1 LIMIT 1").fetchone()
    return {"region": auth.User("r", "r", "region", region=region), "store": auth.User("s", "s", "store", store_id=store)}


def store_ids(obj) -> set:
    if isinstance(obj, pd.DataFrame):
        return set(obj["store_id"].dropna()) if "store_id" in obj.columns else set()
    return set()


CALLS = {
    "overview.filter_options": lambda con, f: overview.filter_options(con, f.scope_stores)["stores"],
    "painpoints.verbatims": lambda con, f: painpoints.verbatims(con, f, None, None, limit=5000),
    "journey.cells(store)": lambda con, f: journey.cells(con, f, "store").rename(columns={"col": "store_id"}),
    "tickets.queue": lambda con, f: tickets.queue(con, f, limit=100000),
    "tickets.sla": lambda con, f: tickets.sla(con, f).by_store,
    "verify.actions": lambda con, f: verify.actions(con, f.scope_stores),
    "scoring.visible(rank_stores)": lambda con, f: scoring.visible(scoring.rank_stores(con, f.start, f.end), f.scope_stores),
    "scoring.touchpoint_rates": lambda con, f: scoring.touchpoint_rates(con, f).reset_index(),
}


@pytest.mark.parametrize("role", ["region", "store"])
@pytest.mark.parametrize("name", list(CALLS))
def test_no_out_of_scope_store_appears(demo_con, role, name):
    user = roles(demo_con)[role]
    scope = auth.scope(demo_con, user)
    f = Filters(*YEAR, scope_stores=scope)
    got = store_ids(CALLS[name](demo_con, f))
    assert got <= set(scope), (role, name, sorted(got - set(scope))[:5])


@pytest.mark.parametrize("role", ["region", "store"])
def test_aggregates_shrink_with_scope(demo_con, role):
    scope = auth.scope(demo_con, roles(demo_con)[role])
    full, scoped = Filters(*YEAR), Filters(*YEAR, scope_stores=scope)
    assert overview.kpis(demo_con, scoped)["n"] < overview.kpis(demo_con, full)["n"]
    assert painpoints.touchpoints(demo_con, scoped)["n"].sum() < painpoints.touchpoints(demo_con, full)["n"].sum()
    assert kano.features(demo_con, scoped)["n"].sum() < kano.features(demo_con, full)["n"].sum()
    d_full, d_scoped = drivers.key_drivers(demo_con, full), drivers.key_drivers(demo_con, scoped)
    assert d_scoped["mentions"].sum() < d_full["mentions"].sum()
    # a store filter cannot widen the scope
    others = Filters(*YEAR, stores=("S0001", "S0002", "S0003"), scope_stores=scope)
    assert store_ids(painpoints.verbatims(demo_con, others, None, None, 5000)) <= set(scope)
