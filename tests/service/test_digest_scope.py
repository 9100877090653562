"""A scheduled digest never widens what an account may see: an account named as a recipient gets the digest only
when its own scope covers the digest's scope (e-mail addresses and robot ids are sent as configured)."""
from cx import auth
from cx.notify import recipients
from cx.service import jobs


def test_accounts_outside_the_digest_scope_are_refused(demo_con, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))
    region, store = demo_con.execute("SELECT region, store_id FROM stores ORDER BY store_id LIMIT 1").fetchone()
    other = demo_con.execute("SELECT region FROM stores WHERE region <> ? LIMIT 1", [region]).fetchone()[0]
    auth.add_user("boss", "pw-123456789", "hq", email="boss@example.com")
    auth.add_user("rm", "pw-123456789", "region", region=region, email="rm@example.com")
    auth.add_user("sm", "pw-123456789", "store", store_id=store, email="sm@example.com")

    def sent(scope: str) -> set[str]:
        s = jobs.Schedule("d", "0 8 * * 1", scope, "last_week", "html", ("boss", "rm", "sm", "ops@example.com"), "周报")
        return {t for _, t in jobs._targets(s, demo_con)}

    assert sent("chain") == {"boss@example.com", "ops@example.com"}                 # no region/store manager
    assert sent(f"region:{region}") == {"boss@example.com", "rm@example.com", "ops@example.com"}
    assert sent(f"region:{other}") == {"boss@example.com", "ops@example.com"}
    assert sent(f"store:{store}") == {"boss@example.com", "rm@example.com", "sm@example.com", "ops@example.com"}
    pairs, unknown, refused = recipients.named(["rm", "nobody"], allowed=lambda u: False)
    assert (pairs, unknown, refused) == ([], ["nobody"], ["rm"])

