"""Shared fixtures: an empty migrated store with a few stores, and a small demo store on disk."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from cx import db, demo

SMALL_DEMO = demo.DemoConfig(rows=6000, stores=40, seed=7, chunk=2500, end=date(2026, 11, 1))
NOW = datetime(2026, 11, 1, 12, 0)


@pytest.fixture
def con():
    c = db.connect(":memory:")
    c.execute("""INSERT INTO stores (store_id, name, region, city, format) VALUES
        ('S001', '一号店', '华东', '上海', '商场店'),
        ('S002', '二号店', '华东', '杭州', '街边店'),
        ('S003', '三号店', '华南', '广州', '商场店')""")
    yield c
    c.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo store file built once per session (the app tests point CX_DB at a copy)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.build(path, SMALL_DEMO)
    return path


@pytest.fixture
def demo_con(demo_db):
    c = db.connect(demo_db, read_only=True)
    yield c
    c.close()
