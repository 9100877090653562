"""Migration 009 on a store that an older importer left with duplicate feedback ids: reported, resolved,
and from then on enforced by a unique key."""
import json

import pytest

from cx import db


def test_existing_duplicates_are_reported_and_resolved(tmp_path):
    con = db.duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP DEFAULT now())")
    for version, name, script in db.migrations():
        if version >= 9:
            break
        con.execute(script)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S1', 'x', '华东', '上海')")
    # what the old importer stored for one id seen twice in a file: two rows, two analyses
    con.execute("INSERT INTO feedback (feedback_id, source, store_id, created_at, rating, text, import_id) VALUES "
                "('dup', 'review', 'S1', '2026-10-12 12:00', 2, '菜凉了', 'i1'), "
                "('dup', 'review', 'S1', '2026-10-12 12:00', 2, '菜凉了', 'i1'), "
                "('one', 'review', 'S1', '2026-10-13 12:00', 5, '好吃', 'i1')")
    con.execute("INSERT INTO mentions VALUES ('dup', '用餐', '菜品温度', -1, '菜凉了', '凉'), "
                "('dup', '用餐', '菜品温度', -1, '追评', '凉'), ('one', '用餐', '口味', 1, '好吃', '好吃')")
    con.execute("INSERT INTO rejects VALUES ('i1', 2, ?, '未知门店')",
                [json.dumps({"手机": "13912345682", "身份证": "110101199003071234"}, ensure_ascii=False)])
    con.close()

    con = db.connect(tmp_path / "old.duckdb")
    assert db.schema_version(con) >= 9
    assert con.execute("SELECT feedback_id, count(*) FROM feedback GROUP BY 1 ORDER BY 1").fetchall() == [("dup", 1), ("one", 1)]
    report = con.execute("SELECT item, detail, n FROM migration_reports WHERE version = 9").fetchall()
    assert report == [("duplicate feedback id".replace(" id", "_id"), "dup", 2)]
    # the mixed analysis of the duplicated id is gone (re-analysed by rebuild-text); others untouched
    assert con.execute("SELECT count(*) FROM mentions WHERE feedback_id = 'dup'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM mentions WHERE feedback_id = 'one'").fetchone()[0] == 1
    raw = con.execute("SELECT raw FROM rejects").fetchone()[0]
    assert "13912345682" not in raw and "139****5682" in raw and "1990030712" not in raw
    with pytest.raises(Exception, match="(?i)duplicate|unique|constraint"):
        con.execute("INSERT INTO feedback (feedback_id, source, created_at) VALUES ('one', 'survey', now())")
    con.close()
