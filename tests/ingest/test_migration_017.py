"""Migration 017 on a store at version 016 holding rejects the old API path stored before commit 5514b04: the
item as sent, phone numbers and the customer key in clear. They are masked the importer's way
(cx.ingest.validate.masked_raw); rows stored masked stay as they are."""
from __future__ import annotations

import json

from cx import db
from cx.ingest.validate import hash_customer, masked_raw

PHONE, OTHER = "13812345678", "13900001111"


def _item(**kw) -> dict:
    """A /v1/feedback item as the API's model dumps it (the fields in the model's order)."""
    base = {"source_ref": "A1", "store_id": "S9", "created_at": "2026-10-01 12:00", "nps": 3, "csat": None,
            "ces": None, "rating": None, "text": f"电话{PHONE}", "channel": None, "customer_key": PHONE,
            "segment": None}
    return base | kw


def _old(record) -> str:
    """What the API path stored before 5514b04 (commands._record_json_rejects)."""
    return json.dumps(record, ensure_ascii=False, default=str)[:4000]


def _store_at_016(path, raws: list[str]) -> None:
    con = db.duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP DEFAULT now())")
    for version, name, script in db.migrations():
        if version > 16:
            break
        assert db.migration_step(name) is None        # a plain SQL store: no step before 017
        con.execute(script)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    for i, raw in enumerate(raws, 1):
        con.execute("INSERT INTO rejects VALUES ('api-1', ?, ?, '缺少 source_ref')", [i, raw])
    con.close()


def test_migration_017_masks_old_api_rejects_and_leaves_masked_rows(tmp_path):
    file_row = masked_raw({"手机": "13912345682", "customer_key": "c" + "0" * 15, "内容": "很好"}, "customer_key")
    cut = _old(_item(source_ref="A2", text="很好", customer_key=OTHER, segment="长" * 5000))    # cut: not JSON
    raws = [_old(_item()), _old(_item(source_ref="A3", customer_key="１３８１２３４５６７８")), cut,
            _old({"值": f"不是对象 {PHONE}"}), file_row, _old(_item(source_ref="A4", customer_key=None))]
    assert not _valid_json(cut)
    path = tmp_path / "old.duckdb"
    _store_at_016(path, raws)
    con = db.connect(path)                                     # applies 017
    assert db.schema_version(con) == max(v for v, _, _ in db.migrations()) and 17 in {
        r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    got = [r[0] for r in con.execute("SELECT raw FROM rejects ORDER BY row_number").fetchall()]
    assert len(got) == len(raws)
    assert not any(PHONE in r or OTHER in r for r in got)
    first, wide = json.loads(got[0]), json.loads(got[1])
    assert first["customer_key"] == hash_customer(PHONE) == wide["customer_key"]     # the file path's hash
    assert first["text"] == "电话138****5678" and first["nps"] == "3" and list(first) == list(_item())
    assert f'"customer_key": "{hash_customer(OTHER)}"' in got[2] and got[2].startswith('{"source_ref": "A2"')
    assert json.loads(got[3]) == {"值": "不是对象 138****5678"}
    assert got[4] == file_row                                   # masked when stored: left exactly as it was
    assert json.loads(got[5])["customer_key"] is None
    # the function is gone after the migration, and masking again changes nothing
    step = db.migration_step("017_mask_reject_raw")
    assert [step.mask(r) for r in got] == got
    assert con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [step.FUNCTION]).fetchone()[0] == 0
    con.close()


def _valid_json(s: str) -> bool:
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


def test_a_fresh_store_runs_017_without_rows(tmp_path):
    con = db.connect(tmp_path / "new.duckdb")
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    assert 17 in {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    con.close()


def test_cut_raws_with_a_numeric_or_backslash_cut_key_are_hashed():
    step = db.migration_step("017_mask_reject_raw")
    member = "88231234"                                        # a member number: no phone shape to mask it
    numeric = _old(_item(customer_key=int(member), segment="长" * 5000))
    assert not _valid_json(numeric) and f'"customer_key": {member}' in numeric
    got = step.mask(numeric)
    assert member not in got and f'"customer_key": "{hash_customer(member)}"' in got
    cut_at_backslash = '{"source_ref": "A9", "customer_key": "ab\\'        # cut right after a backslash
    got = step.mask(cut_at_backslash)
    assert '"ab\\' not in got and got.startswith('{"source_ref": "A9", "customer_key": "c')
    assert step.mask(got) == got                               # masking twice changes nothing
