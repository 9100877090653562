"""The store remembers which text configuration its analysis was made with, so the app can say when
the taxonomy or a dictionary changed after the texts were tagged."""
from cx import db
from cx.ingest import import_bytes
from cx.text import config
from cx.text import store as text_store
from tests.conftest import NOW

CSV = "编号,门店编号,时间,内容\nr1,S001,2026-03-01,上菜太慢了\n"


def test_fingerprint_follows_the_bytes_of_the_files(tmp_path):
    a, b = tmp_path / "taxonomy.yaml", tmp_path / "stopwords.txt"
    a.write_text("stages: []\n", encoding="utf-8")
    b.write_text("的\n", encoding="utf-8")
    first = config.fingerprint((a, b))
    assert config.fingerprint((a, b)) == first
    b.write_text("的\n了\n", encoding="utf-8")
    assert config.fingerprint((a, b)) != first
    b.unlink()                                   # a missing file is a configuration too, not a crash
    assert config.fingerprint((a, b)) not in (first, config.fingerprint((a,)))


def test_stale_only_against_a_recorded_configuration(con):
    assert config.stored(con) is None and not config.stale(con, "new")   # nothing known: no alarm
    config.record(con, "old")
    assert config.stale(con, "new") and not config.stale(con, "old")


def test_first_import_into_an_empty_store_records_the_configuration(con):
    import_bytes(con, CSV.encode(), "r.csv", "review", now=NOW)
    assert config.stored(con) == config.fingerprint()
    assert not config.stale(con)


def test_import_into_a_store_of_unknown_configuration_does_not_vouch_for_it(con):
    import_bytes(con, CSV.encode(), "r.csv", "review", now=NOW)
    con.execute("DELETE FROM meta WHERE key = ?", [config.KEY])          # as in a store built before the check
    import_bytes(con, CSV.replace("r1", "r2").encode(), "r2.csv", "review", now=NOW)
    assert config.stored(con) is None


def test_rebuild_records_the_configuration_it_used(con):
    import_bytes(con, CSV.encode(), "r.csv", "review", now=NOW)
    config.record(con, "before-the-taxonomy-edit")
    version = db.data_version(con)
    assert config.stale(con)
    text_store.rebuild(con, workers=1, fingerprint="after")
    assert config.stored(con) == "after" and db.data_version(con) > version
    text_store.rebuild(con, workers=1)
    assert not config.stale(con)


def test_demo_store_records_its_configuration(demo_con):
    assert config.stored(demo_con) == config.fingerprint()
