from cx import db


def test_fresh_store_has_all_tables_and_latest_version(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"stores", "feedback", "kano_answers", "external_ratings", "imports", "rejects", "meta"} <= tables
    assert db.schema_version(con) == max(v for v, _, _ in db.migrations())


def test_migrations_are_idempotent_across_reopen(tmp_path):
    path = tmp_path / "x.duckdb"
    con = db.connect(path)
    con.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S1', 'a', 'r', 'c')")
    con.close()
    con = db.connect(path)
    assert db.migrate(con) == []
    assert con.execute("SELECT count(*) FROM stores").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(db.migrations())


def test_failed_migration_leaves_no_trace(tmp_path, monkeypatch):
    con = db.connect(tmp_path / "x.duckdb")
    bad = (999, "999_bad", "CREATE TABLE half_done (x INT); SELECT * FROM no_such_table;")
    monkeypatch.setattr(db, "migrations", lambda: [bad])
    try:
        db.migrate(con)
    except Exception:
        pass
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "half_done" not in tables
    assert 999 not in {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}


def test_schema_rejects_out_of_range_scores(con):
    import duckdb
    import pytest

    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO feedback (feedback_id, source, created_at, nps) VALUES ('x', 'survey', now(), 11)")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO feedback (feedback_id, source, created_at) VALUES ('x', 'tweet', now())")


def test_read_only_connection_does_not_migrate(tmp_path):
    path = tmp_path / "x.duckdb"
    db.connect(path).close()
    ro = db.connect(path, read_only=True)
    assert db.schema_version(ro) >= 1


def test_env_var_overrides_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("CX_DB", str(tmp_path / "y.duckdb"))
    assert db.default_path() == tmp_path / "y.duckdb"
