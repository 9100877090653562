"""One place for deployment settings: paths, environment variables, limits, brand and time zone.

Every module that needs a path under ``data/`` or an environment variable asks here instead of building
``ROOT / "data" / …`` or reading ``os.environ`` itself. Values are read on each call (cheap), so tests and
the service can point ``CX_DB`` / ``CX_USERS`` elsewhere before a call.

Environment variables (all optional):
  CX_DB            the DuckDB store file                      (default data/cx.duckdb)
  CX_USERS         the accounts file                          (default data/users.yaml)
  CX_TOKENS        the API tokens file (hashed)               (default data/api_tokens.yaml)
  CX_DATA          the folder for inbox, schedules, recipients (default data/)
  CX_PORT          the service port                           (default 8501)
  CX_UPLOAD_MB     upload / request size limit in MB          (default 200)
  CX_TZ            the chain's time zone: stored times, "now", schedules (default Asia/Shanghai)
  CX_BRAND         the brand shown in titles and digests      (default 客户体验透镜 CX Lens)
  CX_SECRET_FILE   the key that signs session cookies         (default data/.secret_key, created 0600)
  CX_PROFILE_DIR   saved import profiles (site-specific)      (default data/import_profiles/saved)
  CX_SERVICE_PORT  the port the service binds (tests)         (default CX_PORT)
  CX_CLOCK_SHIFT_HOURS  shifts the chain's clock settings.now() (tests: SLA escalation without waiting)
  CX_INBOX_SETTLE_S  seconds an inbox file must keep its size and mtime before import (default 10)
  CX_DEMO          off: a missing store is created empty (real data), never the demo   (default on;
                   ``scripts/run-app.sh --empty`` sets it)
  CX_DEMO_ROWS     size of the demo the service builds on first start (tests)          (default 120000)
  CX_SMTP_HOST / CX_SMTP_PORT / CX_SMTP_USER / CX_SMTP_PASSWORD / CX_SMTP_FROM / CX_SMTP_TLS   e-mail channel
"""
from __future__ import annotations

import os
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    v = os.environ.get(name)
    return v if v not in (None, "") else default


def env_raw(name: str) -> str | None:
    """The variable as set, an empty string included (None when unset): for settings where "" means "none"."""
    return os.environ.get(name)


def data_dir() -> Path:
    return Path(env("CX_DATA") or ROOT / "data")


def config_file(name: str) -> Path:
    """A shipped configuration file under ``data/`` (taxonomy, indicators, alert rules …)."""
    return ROOT / "data" / name


def service_port() -> int:
    """The port the service binds: ``CX_SERVICE_PORT`` (tests), else ``CX_PORT``."""
    return int(env("CX_SERVICE_PORT") or port())


def clock_shift_hours() -> float:
    """``CX_CLOCK_SHIFT_HOURS``: the service's clock runs this far ahead (tests of SLA escalation)."""
    return float(env("CX_CLOCK_SHIFT_HOURS") or 0)


def db_path() -> Path:
    return Path(env("CX_DB") or ROOT / "data" / "cx.duckdb")


def users_path() -> Path:
    return Path(env("CX_USERS") or ROOT / "data" / "users.yaml")


def tokens_path() -> Path:
    return Path(env("CX_TOKENS") or data_dir() / "api_tokens.yaml")


def inbox_dir() -> Path:
    return data_dir() / "inbox"


def schedules_path() -> Path:
    return data_dir() / "schedules.yaml"


def recipients_path() -> Path:
    return data_dir() / "recipients.yaml"


def digests_dir() -> Path:
    return data_dir() / "digests"


def service_file() -> Path:
    """Written by the running service next to its store: how the CLI finds it (url, pid, local token)."""
    p = db_path()
    return p.with_name(p.name + ".service.json")


def port() -> int:
    return int(env("CX_PORT", "8501"))


def upload_limit_bytes() -> int:
    return int(float(env("CX_UPLOAD_MB", "200")) * 1024 * 1024)


def time_zone() -> str:
    """The chain's time zone (IANA name): ``CX_TZ`` (``CX_TIMEZONE`` also accepted), default Asia/Shanghai.
    Imported times with an offset are converted to it; times without one are read in it."""
    return env("CX_TZ", "") or env("CX_TIMEZONE", "Asia/Shanghai")


def public_url() -> str | None:
    """The address people open the app at (``CX_PUBLIC_URL``, e.g. https://cx.example.com), without a trailing
    slash; notifications link to tickets and digests with it. None when not set (then they carry no links)."""
    url = (env("CX_PUBLIC_URL", "") or "").strip().rstrip("/")
    return url or None


def zone() -> ZoneInfo:
    """The chain's time zone as a ``ZoneInfo`` (see :func:`time_zone`)."""
    return ZoneInfo(time_zone())


def now() -> datetime:
    """The chain's "now": a naive datetime in the chain's zone (``CX_TZ``), the same convention as stored
    feedback times (``cx.ingest.dates`` stores naive chain-local times). Ticket actions, SLA escalation,
    alerts, the outbox, digests and the scheduler all use this one clock, so a server running on UTC does
    not put actions 8 h before the tickets they act on. ``CX_CLOCK_SHIFT_HOURS`` moves it forward (tests)."""
    return datetime.now(zone()).replace(tzinfo=None) + timedelta(hours=clock_shift_hours())


def today() -> date:
    """The chain's current calendar day (:func:`now`'s date)."""
    return now().date()


def to_local(dt: datetime) -> datetime:
    """An aware datetime converted to the chain's zone, as a naive datetime (naive input is returned as is)."""
    return dt if dt.tzinfo is None else dt.astimezone(zone()).replace(tzinfo=None)


def brand() -> str:
    return env("CX_BRAND", "客户体验透镜 CX Lens")


def secret_key() -> bytes:
    """The key signing session cookies; created once (0600) so sign-ins survive a restart."""
    p = Path(env("CX_SECRET_FILE") or data_dir() / ".secret_key")
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, p)          # first writer wins; a concurrent process reads the winner's key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return p.read_text().strip().encode()


def demo_enabled() -> bool:
    """``CX_DEMO`` (default on): a missing store is built as the embedded demo with its demo accounts.
    Off (``off``/``0``/``no``/``false``): a missing store is created empty for real data, never the demo."""
    return (env("CX_DEMO", "on") or "on").strip().lower() not in ("off", "0", "no", "false")


def demo_rows() -> int:
    """``CX_DEMO_ROWS``: feedback rows of the demo built on first start (default 120 000; tests use less)."""
    return int(env("CX_DEMO_ROWS") or 120_000)


def smtp() -> dict:
    return {"host": env("CX_SMTP_HOST"), "port": int(env("CX_SMTP_PORT", "25")), "user": env("CX_SMTP_USER"),
            "password": env("CX_SMTP_PASSWORD"), "sender": env("CX_SMTP_FROM", "cx-lens@localhost"),
            "tls": env("CX_SMTP_TLS", "0") == "1"}
