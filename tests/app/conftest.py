import shutil

import pytest


@pytest.fixture
def app_db(demo_db, tmp_path, monkeypatch):
    """A private copy of the small demo store for one app test, with its own (empty) users file."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    return path
