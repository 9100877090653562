from cx import text
from cx.ingest import import_bytes
from cx.text import store as text_store
from tests.conftest import NOW

BASE = ["菜很好吃但是上菜太慢", "吃完回去就拉肚子了，要去12315投诉", "", "环境安静，服务周到"]
# distinct texts (numbered), so the de-duplication does not shrink the batch below the pool's threshold
TEXTS = [f"{t}，第{i}桌" if t else t for i in range(1500) for t in BASE]


def test_parallel_equals_serial():
    serial = text.analyze(TEXTS, workers=1)
    parallel = text.analyze(TEXTS, workers=2)
    assert len(serial) == len(parallel) == len(TEXTS)
    assert serial == parallel


def test_duplicates_are_analysed_once_with_the_same_result(monkeypatch):
    seen = []
    real = text.analyze_batch
    monkeypatch.setattr(text, "analyze_batch", lambda ts: seen.extend(ts) or real(ts))
    out = text.analyze(BASE * 50, workers=1)
    assert sorted(seen) == sorted(BASE)
    assert out == real(BASE * 50)


def test_analysis_content():
    a = text.analyze_batch(["菜很好吃但是上菜太慢"])[0]
    assert [(m.touchpoint, m.polarity) for m in a.mentions] == [("taste", 1), ("serving_speed", -1)]
    assert "上菜" in a.neg_keywords and "好吃" not in a.neg_keywords
    b = text.analyze_batch(["吃完回去就拉肚子了，要去12315投诉"])[0]
    assert {h.cls for h in b.sensitive} == {"food_safety", "public_threat"}
    assert b.label == -1


def test_import_stores_text_signals_and_reimport_adds_none(con):
    csv = "编号,门店编号,时间,星级,内容\nr1,S001,2026-03-01,1,菜里有虫子，服务员态度很差\nr2,S002,2026-03-02,5,酸菜鱼很好吃\n"
    import_bytes(con, csv.encode(), "r.csv", "review", now=NOW)
    rows = con.execute("SELECT store_id, sentiment_label FROM feedback ORDER BY store_id").fetchall()
    assert rows == [("S001", -1), ("S002", 1)]
    m = con.execute("SELECT touchpoint, polarity FROM mentions ORDER BY touchpoint").fetchall()
    assert ("food_safety", -1) in m and ("staff_attitude", -1) in m and ("taste", 1) in m
    assert con.execute("SELECT class FROM sensitive_hits").fetchall() == [("food_safety",)]
    before = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    import_bytes(con, csv.replace("\n", "\r\n").encode(), "again.csv", "review", now=NOW)
    assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == before


def test_rebuild_is_idempotent_and_follows_the_taxonomy(con, monkeypatch):
    csv = "编号,门店编号,时间,内容\nr1,S001,2026-03-01,上菜太慢了\nr2,S001,2026-03-02,停车很方便\n"
    import_bytes(con, csv.encode(), "r.csv", "review", now=NOW)
    first = sorted(con.execute("SELECT * FROM mentions").fetchall())
    assert text_store.rebuild(con, workers=1) == 2
    assert sorted(con.execute("SELECT * FROM mentions").fetchall()) == first
    assert con.execute("SELECT count(*) FROM sensitive_hits").fetchone()[0] == 0
