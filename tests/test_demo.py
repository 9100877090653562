from datetime import date, timedelta
import hashlib

import pytest

from cx import db, demo, kano, settings
from tests.conftest import SMALL_DEMO


def fingerprint(con) -> str:
    h = hashlib.sha256()
    for t, order in (("stores", "store_id"), ("feedback", "feedback_id"), ("kano_answers", "answer_id"),
                     ("external_ratings", "store_id, platform, period")):
        for row in con.execute(f"SELECT * FROM {t} ORDER BY {order}").fetchall():
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_same_store_and_other_seed_differs():
    cfg = demo.DemoConfig(rows=1500, stores=20, seed=3, chunk=600)
    a, b, c = (db.connect(":memory:") for _ in range(3))
    demo.generate(a, cfg)
    demo.generate(b, cfg)
    demo.generate(c, demo.DemoConfig(rows=1500, stores=20, seed=4, chunk=600))
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)


def test_demo_has_requested_shape(demo_con):
    n = db.table_counts(demo_con)
    assert n["feedback"] == SMALL_DEMO.rows and n["stores"] == SMALL_DEMO.stores
    assert n["kano_answers"] > 0 and n["external_ratings"] > 0
    sources = dict(demo_con.execute("SELECT source, count(*) FROM feedback GROUP BY 1").fetchall())
    assert set(sources) == {"survey", "service", "review", "opinion"}
    assert demo_con.execute("SELECT count(DISTINCT region) FROM stores").fetchone()[0] == 7
    # every row is valid by the schema's own rules and text is cleaned (no traditional characters left)
    assert demo_con.execute("SELECT count(*) FROM feedback WHERE source='survey' AND nps IS NULL").fetchone()[0] == 0
    assert demo_con.execute("SELECT count(*) FROM feedback WHERE text LIKE '%服務%' OR text LIKE '%這%'").fetchone()[0] == 0


def test_table_is_time_ordered(demo_con):
    rows = [r[0] for r in demo_con.execute("SELECT created_at FROM feedback").fetchall()]
    assert rows == sorted(rows)


def test_text_is_varied(demo_con):
    total, distinct = demo_con.execute(
        "SELECT count(text), count(DISTINCT text) FROM feedback WHERE source = 'review'").fetchone()
    assert distinct / total > 0.9


def test_kano_answers_follow_the_planted_categories(demo_con):
    rows = demo_con.execute("SELECT feature, functional, dysfunctional FROM kano_answers").fetchall()
    truth = demo.chain()["kano_features"]
    by_feature = {}
    for f, fu, dy in rows:
        by_feature.setdefault(f, []).append(kano.classify(fu, dy))
    for feature, cats in by_feature.items():
        assert max(set(cats), key=cats.count) == truth[feature], feature


def test_stories_are_recorded(demo_con):
    stories = db.demo_stories(demo_con)
    assert set(stories) >= {"slow_region", "incident", "improved", "star", "new_stores", "tiny_stores"}
    ids = {r[0] for r in demo_con.execute("SELECT store_id FROM stores").fetchall()}
    assert stories["incident"]["store_id"] in ids and stories["improved"]["store_id"] in ids


@pytest.fixture(scope="module")
def year():
    """A full-size year (stories need volume to show); 60 k rows take a few seconds."""
    con = db.connect(":memory:")
    demo.generate(con, demo.DemoConfig(rows=60_000, stores=120, seed=11, end=date(2026, 11, 1)))
    yield con, db.demo_stories(con)
    con.close()


NEG_SHARE = """
    SELECT avg(CASE WHEN text SIMILAR TO $neg THEN 1.0 ELSE 0 END)
    FROM feedback f JOIN stores s USING (store_id)
    WHERE text SIMILAR TO $any AND {where}
"""


def share(con, where, params, neg, any_):
    return con.execute(NEG_SHARE.format(where=where), {**params, "neg": neg, "any": any_}).fetchone()[0]


def test_story_slow_region_serving_speed_worsens(year):
    con, st = year
    neg, any_ = ".*(上菜.{0,3}慢|菜还没上齐|催了好几次|半天不上|才上).*", ".*(上菜|出餐|才上|不上|上齐).*"
    region = st["slow_region"]["region"]
    before = share(con, "s.region = $r AND created_at < $d", {"r": region, "d": st["slow_region"]["from"]}, neg, any_)
    after = share(con, "s.region = $r AND created_at >= $d", {"r": region, "d": st["slow_region"]["from"]}, neg, any_)
    others = share(con, "s.region <> $r AND created_at >= $d", {"r": region, "d": st["slow_region"]["from"]}, neg, any_)
    assert after > before + 0.15 and after > others + 0.15


def test_story_incident_store_has_food_safety_spike(year):
    con, st = year
    inc = st["incident"]
    q = """SELECT count(*) FILTER (WHERE text SIMILAR TO '.*(头发|虫子|拉肚子|异物|肚子疼|异味|钢丝球).*'), count(*)
           FROM feedback WHERE store_id = $s AND created_at BETWEEN $a AND $b"""
    hits, n = con.execute(q, {"s": inc["store_id"], "a": inc["from"], "b": inc["to"] + " 23:59"}).fetchone()
    assert hits / n > 0.2
    threats = con.execute("""SELECT count(*) FROM feedback WHERE store_id = $s AND source = 'opinion'
                             AND created_at BETWEEN $a AND $b AND text SIMILAR TO '.*(曝光|12315|媒体|避雷).*'""",
                          {"s": inc["store_id"], "a": inc["from"], "b": inc["to"] + " 23:59"}).fetchone()[0]
    assert threats >= 1


def test_planted_incident_is_detected_and_nothing_else(year):
    con, st = year
    inc = st["incident"]
    every = con.execute("SELECT i.store_id, i.kind, i.key, i.start_at, i.end_at, i.status, s.region FROM incidents i "
                        "JOIN stores s USING (store_id)").fetchall()
    # The planted regional slow-down is a step change: a store of that region whose serving-speed complaints jump at
    # its onset is a true detection, not a false alarm. Anything else is.
    sr = st["slow_region"]
    onset = date.fromisoformat(sr["from"])
    regional = [r for r in every if r[6] == sr["region"] and (r[1], r[2]) == ("touchpoint", sr["touchpoint"])
                and onset - timedelta(days=2) <= r[3] <= onset + timedelta(days=21)]
    rows = [r for r in every if r not in regional]
    assert len(regional) <= 3, regional
    assert {r[0] for r in rows} == {inc["store_id"]}
    found = {(r[1], r[2]) for r in rows}
    assert {("touchpoint", "food_safety"), ("sensitive", "food_safety")} <= found
    for r in rows:
        assert date.fromisoformat(inc["from"]) - timedelta(days=2) <= r[3] <= date.fromisoformat(inc["from"]) + timedelta(days=4)
        assert r[4] <= date.fromisoformat(inc["to"]) + timedelta(days=2) and r[5] == "subsided"
    # one ticket per incident event: the planted burst's incidents share one ticket (the others are triggers
    # recorded on it), and every incident is on exactly one ticket
    opened = {r[0] for r in con.execute("SELECT ticket_id FROM tickets WHERE rule_id = 'incident'").fetchall()}
    attached = {r[0] for r in con.execute("SELECT json_extract_string(detail, '$.trigger') FROM ticket_events "
                                          "WHERE event = 'trigger_added'").fetchall()}
    assert {r[0] for r in con.execute("SELECT ticket_id FROM incidents").fetchall()} == opened | attached
    assert len(opened) + len(attached) == len(every) and attached
    assert con.execute("SELECT count(*) FROM tickets WHERE rule_id = 'incident' AND store_id = ?",
                       [inc["store_id"]]).fetchone()[0] == 1


def test_story_improved_store_queue_gets_better(year):
    con, st = year
    im = st["improved"]
    neg, any_ = ".*(排队排了|等位等了|还没轮到|插队|排长队|才吃上).*", ".*(排队|等位|轮到|插队|等了).*"
    before = share(con, "store_id = $s AND created_at < $d", {"s": im["store_id"], "d": im["date"]}, neg, any_)
    after = share(con, "store_id = $s AND created_at >= $d", {"s": im["store_id"], "d": im["date"]}, neg, any_)
    assert before > after + 0.3


def test_story_small_stores_have_few_responses(year):
    con, st = year
    small = st["new_stores"]["store_ids"] + st["tiny_stores"]["store_ids"]
    counts = dict(con.execute("SELECT store_id, count(*) FROM feedback GROUP BY 1").fetchall())
    median = sorted(counts.values())[len(counts) // 2]
    assert all(counts.get(s, 0) < median / 4 for s in small)


def test_weekends_are_busier(year):
    con, _ = year
    wk, we = con.execute("""SELECT avg(n) FILTER (WHERE dow NOT IN (0, 6)), avg(n) FILTER (WHERE dow IN (0, 6))
                            FROM (SELECT created_at::DATE d, dayofweek(created_at::DATE) dow, count(*) n FROM feedback GROUP BY 1, 2)""").fetchone()
    assert we > 1.3 * wk


def test_build_swaps_in_a_complete_file(tmp_path):
    path = tmp_path / "d.duckdb"
    demo.build(path, demo.DemoConfig(rows=500, stores=10, seed=1))
    assert not (tmp_path / "d.duckdb.building").exists()
    con = db.connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 500


def test_more_months_reach_back_from_the_same_end_and_size_scales():
    g12 = demo._Generator(demo.DemoConfig(rows=100, stores=10))
    g24 = demo._Generator(demo.DemoConfig(rows=100, stores=10, months=24))
    assert g24.end == g12.end and len(g12.days) in (365, 366) and len(g24.days) in (730, 731)
    assert g24.start.day == g12.start.day and g24.start.year == g12.start.year - 1 and g24.start.month == g12.start.month
    assert demo.auto_size(120_000) == (300, 12) and demo.auto_size(10_000_000) == (2000, 24)


def test_demo_is_anchored_to_its_end_day():
    today = demo._Generator(demo.DemoConfig(rows=100, stores=10))
    assert today.end == settings.today() and today.days[-1] == settings.today() - timedelta(days=1)
    g = demo._Generator(demo.DemoConfig(rows=100, stores=10, end=date(2026, 11, 1)))
    assert g.days[-1] == date(2026, 10, 31) and g.days[0] == date(2025, 11, 1)
    # the planted stories move with the end day
    assert (g.stories["incident"]["from"], g.stories["incident"]["to"]) == ("2026-08-10", "2026-08-24")
    later = demo._Generator(demo.DemoConfig(rows=100, stores=10, end=date(2026, 12, 11)))
    assert later.stories["incident"]["from"] == "2026-09-19" and later.stories["improved"]["date"] == "2026-06-24"


def test_scores_agree_with_their_text(year):
    con, _ = year
    from cx.text import sentiment

    low = [r[0] for r in con.execute("SELECT text FROM feedback WHERE source = 'review' AND rating <= 2 AND text IS NOT NULL").fetchall()]
    labels = [sentiment.label(p) for p in sentiment.score(low)]
    assert len(low) > 500 and sum(x < 0 for x in labels) / len(labels) >= 0.9
    high = [r[0] for r in con.execute("SELECT text FROM feedback WHERE source = 'survey' AND nps >= 9 AND text IS NOT NULL").fetchall()]
    labels = [sentiment.label(p) for p in sentiment.score(high)]
    assert sum(x < 0 for x in labels) / len(labels) <= 0.1
    # a bug or a hair in the food never comes with 4–5 stars or NPS 9–10
    bad = con.execute("""SELECT count(*) FROM feedback WHERE (rating >= 4 OR nps >= 9)
                         AND text SIMILAR TO '.*(里有虫子|吃出头发|拉肚子|肚子疼).*'""").fetchone()[0]
    assert bad == 0
