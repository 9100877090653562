"""通知与审计 names a digest of schedules.yaml left out for a bad scope; the others can still be run by hand."""
import yaml

from cx import auth
from tests.helpers import open_page


def test_the_service_page_names_the_digest_left_out(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA", str(tmp_path))
    digests = [{"id": i, "cron": "0 8 * * 1", "scope": scope, "recipients": ["boss@example.com"]}
               for i, scope in (("weekly", "chain"), ("east", "region:"))]
    (tmp_path / "schedules.yaml").write_text(yaml.safe_dump({"digests": digests}), encoding="utf-8")
    at = open_page("pages/service_status.py", user=auth.User("t-hq", "总部", "hq"))
    assert any("摘要“east”" in w.value and "region:" in w.value for w in at.warning)
    assert at.selectbox(key="sv_digest").options == ["weekly"]
