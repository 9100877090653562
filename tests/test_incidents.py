"""Incident detection: synthetic count series (false alarms, power, bounds), the table kept by refresh,
one ticket per incident, and the demo's planted incident."""
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cx import db, incidents, metrics, rollup
from cx.loop import rules

CFG = incidents.default()
WEEKDAY = np.array([0.8, 0.8, 0.85, 0.9, 1.1, 1.35, 1.2])    # Monday … Sunday: busy weekends
D0 = date(2025, 1, 1)
WARMUP = CFG.history + 30


def series(seed, rate=5.0, spike=None, days=WARMUP + 365, keys=24, factor=3.0):
    """One store, ``keys`` touchpoints with weekday seasonality; touchpoint t0 at ``rate``/day, the others
    at 5–100 % of it; optionally t0 × ``factor`` on days [a, b)."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range(D0, periods=days)
    wk = WEEKDAY[ds.day_of_week]
    rows = []
    for k in range(keys):
        lam = (rate if k == 0 else rate * rng.uniform(0.05, 1)) * wk
        if spike and k == 0:
            lam = lam.copy()
            lam[spike[0]:spike[1]] *= factor
        rows.append(pd.DataFrame({"store_id": "S1", "kind": "touchpoint", "key": f"t{k}", "day": ds.date,
                                  "n": rng.poisson(lam)}))
    counts = pd.concat(rows)
    totals = pd.DataFrame({"store_id": "S1", "day": ds.date, "n": rng.poisson(40 * wk), "first_day": D0})
    return counts[counts["n"] > 0], totals, ds


def run(counts, totals, ds):
    return incidents.detect(counts, totals, ds[WARMUP].date(), ds[-1].date(), CFG)


def test_stable_store_with_weekday_seasonality_raises_no_alarm_for_a_year():
    flags = run(*series(seed=1))
    assert flags.frame.empty


def test_false_alarm_years_stay_within_the_fdr_budget():
    # 20 stable store-years × 24 touchpoints × 365 days × 3 windows: the yearly budget is fdr = 5 %, so
    # about one year in 20 may show a false alarm; more than 3 would mean the correction is broken
    years_with_alarm = sum(not run(*series(seed=s)).frame.empty for s in range(100, 120))
    assert years_with_alarm <= 3


def test_detects_a_tripled_two_week_spike_at_five_a_day_and_bounds_it():
    a = WARMUP + 200
    counts, totals, ds = series(seed=2, spike=(a, a + 14))
    flags = run(counts, totals, ds)
    assert set(flags.frame["key"]) == {"t0"}
    inc = incidents.episodes(flags, ds[-1].date(), CFG)
    assert len(inc) == 1
    r = inc.iloc[0]
    assert abs((pd.Timestamp(r["start_at"]) - ds[a]).days) <= 2
    assert abs((pd.Timestamp(r["end_at"]) - ds[a + 13]).days) <= 2
    assert (pd.Timestamp(r["first_flagged"]) - ds[a]).days <= 3       # found within days, not weeks
    assert r["status"] == incidents.STATUS_DONE and r["observed"] > 2 * r["expected"]


def test_a_weekend_is_not_a_spike_but_a_small_rise_is_not_flagged_either():
    # × 1.3 for two weeks at 5/day is within what the model allows once corrected for a year of days
    a = WARMUP + 100
    assert run(*series(seed=3, spike=(a, a + 14), factor=1.3)).frame.empty


def test_sparse_cell_needs_a_cluster():
    # food-safety style: 0.05/day; a burst of 6 in three days is an incident, 2 in a week is not
    ds = pd.date_range(D0, periods=WARMUP + 60)
    rng = np.random.default_rng(5)
    n = rng.poisson(0.05, len(ds))
    totals = pd.DataFrame({"store_id": "S1", "day": ds.date, "n": 10, "first_day": D0})
    quiet = pd.DataFrame({"store_id": "S1", "kind": "sensitive", "key": "food_safety", "day": ds.date, "n": n})
    assert run(quiet[quiet.n > 0], totals, ds).frame.empty
    burst = n.copy()
    burst[WARMUP + 20: WARMUP + 23] += 2
    loud = quiet.assign(n=burst)
    f = run(loud[loud.n > 0], totals, ds)
    assert not f.frame.empty and (f.frame["kind"] == "sensitive").all()


def test_new_store_without_history_is_not_tested():
    ds = pd.date_range(D0, periods=WARMUP + 30)
    opened = WARMUP + 10          # its first feedback ten days into the tested range
    n = np.where(np.arange(len(ds)) >= opened, 5, 0)
    counts = pd.DataFrame({"store_id": "S1", "kind": "touchpoint", "key": "t0", "day": ds.date, "n": n})
    totals = pd.DataFrame({"store_id": "S1", "day": ds.date, "n": n * 4, "first_day": ds[opened].date()})
    assert run(counts[counts.n > 0], totals[totals.n > 0], ds).frame.empty


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=80), st.sampled_from([0.01, 0.05, 0.2]))
def test_hand_written_bh_agrees_with_scipy(ps, q):
    ours = metrics.benjamini_hochberg(ps, q)
    adjusted = stats.false_discovery_control(np.array(ps))
    # ties at the threshold can differ by rounding; compare away from it
    for keep, p_adj in zip(ours, adjusted):
        if abs(p_adj - q) > 1e-9:
            assert keep == (p_adj <= q)


def test_config_errors_are_chinese():
    with pytest.raises(incidents.ConfigError, match="fdr"):
        incidents.parse({"fdr": 2})
    with pytest.raises(incidents.ConfigError, match="windows"):
        incidents.parse({"windows": [0]})


# --- the table, refresh and the alert rules ------------------------------------------------------------

def _insert(con, store, day, k, tp="food_safety", sensitive=False, tag="x"):
    for i in range(k):
        fid = f"{store}-{day:%Y%m%d}-{tag}-{i}"
        at = datetime.combine(day, datetime.min.time()) + timedelta(hours=12, minutes=i)
        con.execute("INSERT INTO feedback (feedback_id, source, store_id, created_at, rating, text) "
                    "VALUES (?, 'review', ?, ?, 1, '吃出头发')", [fid, store, at])
        con.execute("INSERT INTO feedback_touchpoints (feedback_id, touchpoint, worst, best, store_id, created_at, source) "
                    "VALUES (?, ?, -1, -1, ?, ?, 'review')", [fid, tp, store, at])
        if sensitive:
            con.execute("INSERT INTO sensitive_hits VALUES (?, 'food_safety', 'high', '头发')", [fid])


@pytest.fixture
def chain(con):
    """Three stores, 200 days of ordinary traffic; S001 gets a food-safety burst on days 170–176."""
    rng = np.random.default_rng(0)
    first = date(2026, 1, 1)
    for d in range(200):
        day = first + timedelta(days=d)
        for s in ("S001", "S002", "S003"):
            _insert(con, s, day, int(rng.poisson(3)), tp="taste", tag="t")
            _insert(con, s, day, int(rng.poisson(0.05)), sensitive=True, tag="f")
            if s == "S001" and 170 <= d < 177:
                _insert(con, s, day, 3, sensitive=True, tag="b")
    rollup.refresh_all(con)
    return con, first


def test_refresh_writes_the_incident_with_evidence(chain):
    con, first = chain
    assert incidents.refresh(con) >= 1
    rows = con.execute("SELECT store_id, kind, key, severity, start_at, status, feedback_ids, ticket_id, observed, expected "
                       "FROM incidents ORDER BY kind").fetchall()
    assert {(r[0], r[1], r[2]) for r in rows} == {("S001", "sensitive", "food_safety"), ("S001", "touchpoint", "food_safety")}
    for r in rows:
        assert r[3] == "high" and r[4] == first + timedelta(days=170) and r[5] == incidents.STATUS_DONE
        assert len(r[6]) == CFG.verbatims and r[7] and r[8] >= 21 and r[9] < 5


def _table(con):
    """The incidents table with floats to 6 significant digits (the weekday profile is estimated from the
    days a refresh loads, so expectations differ in the last bits between a full and a partial refresh)."""
    rows = con.execute("SELECT * EXCLUDE (updated_at) FROM incidents ORDER BY incident_id").fetchall()
    return [tuple(float(f"{v:.6g}") if isinstance(v, float) else v for v in r) for r in rows]


def test_incremental_refresh_equals_full_refresh(chain):
    con, first = chain
    incidents.refresh(con)
    full = _table(con)
    # a later import touching the last days rebuilds what it can affect and leaves the rest as it was
    incidents.refresh(con, datetime.combine(first + timedelta(days=172), datetime.min.time()))
    assert _table(con) == full
    con.execute("DELETE FROM incidents")
    incidents.refresh(con, datetime.combine(first + timedelta(days=150), datetime.min.time()))
    assert _table(con) == full


def test_one_ticket_per_incident_and_reviews_inside_it_fold_in(chain):
    con, first = chain
    incidents.refresh(con)
    rules.run(con, datetime.combine(first, datetime.min.time()), datetime.combine(first + timedelta(days=201), datetime.min.time()))
    got = con.execute("SELECT rule_id, count(*) FROM tickets WHERE store_id = 'S001' AND created_at >= ? AND created_at < ? "
                      "GROUP BY 1", [first + timedelta(days=170), first + timedelta(days=177)]).fetchall()
    got = dict(got)
    assert got.pop("incident") == 1                       # the touchpoint and the sensitive-class incident: one event
    assert got.get("sensitive_high", 0) == 0              # 21 sensitive reviews opened no tickets of their own
    # elsewhere, sensitive reviews still open their own tickets
    assert con.execute("SELECT count(*) FROM tickets WHERE rule_id = 'sensitive_high' AND store_id <> 'S001'").fetchone()[0] > 0
    ids = {r[0] for r in con.execute("SELECT ticket_id FROM incidents").fetchall()}
    opened = {r[0] for r in con.execute("SELECT ticket_id FROM tickets WHERE rule_id = 'incident'").fetchall()}
    attached = {r[0] for r in con.execute("SELECT json_extract_string(detail, '$.trigger') FROM ticket_events "
                                          "WHERE event = 'trigger_added'").fetchall()}
    assert ids == opened | attached and len(opened) == 1 and not opened & attached    # every incident on the one ticket


def test_small_demo_raises_no_false_incident(demo_con):
    # the small demo (6 000 rows, 40 stores, < 1 item a store-day) is too thin to show even the planted
    # spike; what it must not show is an incident anywhere else (the 60 k demo test finds the planted one)
    st_ = db.demo_stories(demo_con)["incident"]
    assert demo_con.execute("SELECT count(*) FROM incidents WHERE store_id <> ?", [st_["store_id"]]).fetchone()[0] == 0


def test_deck_first_slide_and_emerging_slide_name_the_incident(demo_con, monkeypatch):
    """The deck's title slide names the period's most serious incident, and 新兴问题 lists it as a volume
    spike next to rate rises (a synthetic incident row, so the small test demo need not contain one)."""
    import io
    from datetime import date

    from pptx import Presentation

    from cx import incidents
    from cx.filters import Filters
    from cx.report import deck

    row = {"store_id": "S0007", "store_name": "成都测试店", "what": "食品安全", "kind": "sensitive", "observed": 12,
           "expected": 0.8, "ratio": 15.0, "start_at": pd.Timestamp("2026-08-10"), "end_at": pd.Timestamp("2026-08-24"),
           "severity": "high", "status": "subsided"}
    monkeypatch.setattr(incidents, "listing", lambda con, f: pd.DataFrame([row]))
    r = deck.collect(demo_con, Filters(date(2026, 8, 1), date(2026, 8, 31)), "全连锁", sections=("客户说什么", "问题是什么"))
    assert r.headline and "成都测试店" in r.headline and "食品安全" in r.headline
    prs = Presentation(io.BytesIO(deck.to_pptx(r)))
    first = " ".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "本期重大事件" in first and "成都测试店" in first
    assert any(b.startswith("【高·已平息】") for s in r.slides for b in s.bullets)      # the state's label in the deck
    emerging = next(s for s in r.slides if s.title.startswith("新兴问题"))
    assert emerging.bullets[0].startswith("提及量突增") and "成都测试店" in emerging.bullets[0]
    assert "成都测试店" in deck.to_html(r).split("<h2>")[0]


# --- one event, one row ---------------------------------------------------------------------------------

def test_a_food_safety_burst_is_one_event_naming_both_triggers(chain):
    """The burst raises a touchpoint and a sensitive-class incident (two rows, two tickets in the table); the
    incident views list it once, naming both triggers."""
    from cx.filters import Filters

    con, first = chain
    incidents.refresh(con)
    table = con.execute("SELECT incident_id, kind, feedback_ids FROM incidents WHERE store_id = 'S001'").fetchall()
    assert len(table) == 2
    listed = incidents.listing(con, Filters(first, first + timedelta(days=199)))
    assert len(listed) == 1
    r = listed.iloc[0]
    assert r["store_id"] == "S001" and r["what"] == "食品安全" and r["severity"] == "high"
    assert sorted(r["incident_ids"]) == sorted(t[0] for t in table)
    assert [t["kind"] for t in r["triggers"]] and {t["kind"] for t in r["triggers"]} == {"touchpoint", "sensitive"}
    assert set(r["feedback_ids"]) == {x for t in table for x in t[2]}
    line = incidents.describe(r)
    assert "同一事件触发 2 项" in line and "食品安全负面提及" in line and "食品安全敏感词" in line
    assert pd.Timestamp(r["start_at"]).date() == first + timedelta(days=170)
    assert len(incidents.evidence(con, r)) == len(r["feedback_ids"])
    assert incidents.tickets(con, r).empty                                   # before the alert rules ran
    rules.run(con, datetime.combine(first, datetime.min.time()), datetime.combine(first + timedelta(days=201), datetime.min.time()))
    tk = incidents.tickets(con, r)          # one ticket for the event (the other trigger is recorded on it)
    assert len(tk) == 1 and tk["ticket_id"].iloc[0] in [t["ticket_id"] for t in r["triggers"]]
    assert tk["ticket_no"].notna().all()


def _row(iid, store, kind, start, end, status="subsided", severity="high", what="食品安全"):
    return {"incident_id": iid, "store_id": store, "store_name": store, "kind": kind, "key": "food_safety",
            "what": what, "severity": severity, "status": status, "observed": 10, "expected": 1.0, "ratio": 10.0,
            "start_at": pd.Timestamp(start), "end_at": pd.Timestamp(end) if end else pd.NaT,
            "first_flagged": pd.Timestamp(start), "last_flagged": pd.Timestamp(end or start),
            "feedback_ids": [iid], "ticket_id": "t" + iid}


def test_grouping_needs_same_store_overlapping_spans_and_shared_feedback():
    rows = pd.DataFrame([
        _row("a", "S1", "touchpoint", "2026-03-01", "2026-03-07"),
        _row("b", "S1", "sensitive", "2026-03-03", None, status="active", severity="medium", what="曝光/投诉威胁"),
        _row("c", "S1", "sensitive", "2026-03-02", "2026-03-06"),          # overlaps a, but other feedback
        _row("d", "S2", "sensitive", "2026-03-01", "2026-03-07"),          # same feedback ids, other store
        _row("e", "S1", "touchpoint", "2026-04-01", "2026-04-03"),         # same store, while b still runs
        _row("f", "S1", "touchpoint", "2026-01-01", "2026-01-05"),         # same store, before all others
    ])
    fb = {"a": {"x1", "x2"}, "b": {"x2"}, "c": {"y"}, "d": {"x1", "x2"}, "e": {"x1"}, "f": {"x1"}}
    asked = []

    def members(r):
        asked.append(r["incident_id"])
        return fb[r["incident_id"]]

    out = incidents.grouped(rows, members)
    assert "f" not in asked and "d" not in asked          # no overlap / another store: not even looked up
    assert len(asked) == len(set(asked))                  # each looked up once
    assert sorted(map(sorted, out["incident_ids"])) == [["a", "b"], ["c"], ["d"], ["e"], ["f"]]
    ab = out[out["incident_ids"].map(len) == 2].iloc[0]
    assert ab["incident_id"] == "a" and ab["severity"] == "high"                  # the most serious member leads
    assert ab["status"] == "active" and pd.isna(ab["end_at"])                     # still running through b
    assert ab["what"] == "食品安全、曝光/投诉威胁" and ab["feedback_ids"] == ["a", "b"]
    assert [t["incident_id"] for t in ab["triggers"]] == ["a", "b"]
    assert list(out["incident_id"])[0] == "a"                                     # high and ongoing first
    single = out[out["incident_id"] == "c"].iloc[0]
    assert incidents.describe(single) == "S1：食品安全敏感词 10 条，预期约 1.0 条（10.0 倍），03-02 起 至 03-06"
