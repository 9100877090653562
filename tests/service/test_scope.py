"""Scopes ('chain' | 'region:华东' | 'store:S0001') are read by one light parser (cx/scope.py): the deck, the
scheduled digests and the notification outbox agree, and the outbox and the jobs load without the deck's
plotting and PowerPoint stack."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import duckdb
import pytest

from cx import scope
from cx.notify import outbox


@pytest.mark.parametrize("module", ["cx.notify.outbox", "cx.service.jobs", "cx.scope"])
def test_scope_readers_import_without_the_deck(module):
    code = (f"import sys, {module}; heavy = [m for m in ('cx.report.deck', 'plotly', 'pptx') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulled in {out.stdout.strip()}"


def test_one_parser_for_labels_filters_words_and_links(monkeypatch):
    assert scope.parse_scope("chain") == ("全连锁", {})
    assert scope.parse_scope(None) == ("全连锁", {})
    assert scope.parse_scope("region:华东") == ("华东区域", {"regions": ("华东",)})
    assert scope.parse_scope("store:S0001") == ("门店 S0001", {"stores": ("S0001",)})
    con = duckdb.connect()
    con.execute("CREATE TABLE stores (store_id VARCHAR, name VARCHAR)")
    con.execute("INSERT INTO stores VALUES ('S0001', '一号店')")
    assert outbox.scope_words(con, "chain") == "全部门店"
    assert outbox.scope_words(con, "region:华东") == "华东区域"
    assert outbox.scope_words(con, "store:S0001") == "S0001 一号店"
    assert outbox.scope_words(con, "store:S0404") == "门店 S0404"
    monkeypatch.setenv("CX_PUBLIC_URL", "https://cx.example.com/")
    d = (date(2026, 10, 1), date(2026, 10, 7))
    assert outbox.digest_link("chain", *d) == "https://cx.example.com/overview?from=2026-10-01&to=2026-10-07"
    assert outbox.digest_link("store:S0001", *d).endswith("&store=S0001")
    assert outbox.digest_link("region:华东", *d).endswith("&region=%E5%8D%8E%E4%B8%9C")


@pytest.mark.parametrize("bad", ["planet:mars", "region:", "store:", "Region:华东"])
def test_a_bad_scope_is_refused_everywhere(bad):
    con = duckdb.connect()
    for read in (scope.parse_scope, lambda s: outbox.scope_words(con, s), lambda s: outbox.digest_link(s, None, None)):
        with pytest.raises(ValueError, match="无法识别的范围"):
            read(bad)
