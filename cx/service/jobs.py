"""Scheduled jobs of the service (APScheduler BackgroundScheduler; one log line per run).

- ``escalate``  every minute: SLA escalation (cx.commands.escalate_overdue) — notifications queued with it.
- ``deliver``   every ``CX_DELIVER_SECONDS`` (10): send due notifications from the outbox.
- ``inbox``     every ``CX_INBOX_SECONDS`` (30): import files dropped in ``data/inbox/<source>/``; each file
                is moved to ``done/`` or ``failed/`` (with ``<file>.reason.txt`` saying why).
- ``digest:<id>`` per entry of ``data/schedules.yaml`` (cron expression in ``CX_TZ``): build the digest
                (PPTX / HTML / PDF) and queue it to its recipients. The last fire time handled is stored in
                ``job_runs``; on start a missed run is caught up once (coalesced), never repeated.
"""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from cx import auth, commands, db, settings, vocab
from cx.ingest import ImportFailed
from cx.notify import outbox, recipients
from cx.service import state

log = logging.getLogger("cx.jobs")
INBOX_SOURCES = vocab.SOURCES
INBOX_USER = auth.User("inbox", "收件箱", "hq")
PERIODS = ("last_day", "last_week", "last_month", "last_7_days", "last_30_days")


class ScheduleError(ValueError):
    """schedules.yaml is unusable (Chinese message)."""


@dataclass(frozen=True)
class Schedule:
    id: str
    cron: str
    scope: str
    period: str
    format: str
    recipients: tuple[str, ...]      # e-mail addresses, ids in recipients.yaml or usernames (cx.notify.recipients.named)
    title: str

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(settings.time_zone()))


def parse_schedules(doc: object, where: str = "schedules.yaml") -> list[Schedule]:
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("digests", []), list):
        raise ScheduleError(f"{where}：缺少 digests 列表")
    out, seen = [], set()
    for i, d in enumerate(doc.get("digests") or [], 1):
        if not isinstance(d, dict) or not d.get("id") or not d.get("cron"):
            raise ScheduleError(f"{where}：第 {i} 项缺少 id 或 cron")
        if d["id"] in seen:
            raise ScheduleError(f"{where}：id“{d['id']}”重复")
        seen.add(d["id"])
        try:
            CronTrigger.from_crontab(str(d["cron"]))
        except ValueError as e:
            raise ScheduleError(f"{where}：“{d['id']}”的 cron 表达式无效：{e}") from None
        if d.get("period", "last_week") not in PERIODS:
            raise ScheduleError(f"{where}：“{d['id']}”的 period 必须是 {'/'.join(PERIODS)}")
        if d.get("format", "pptx") not in commands.DIGEST_FORMATS:
            raise ScheduleError(f"{where}：“{d['id']}”的 format 必须是 pptx/html/pdf")
        to = d.get("recipients") or []
        if not isinstance(to, list) or not to:
            raise ScheduleError(f"{where}：“{d['id']}”需要 recipients 列表（邮箱、recipients.yaml 中的 id 或账号名）")
        out.append(Schedule(str(d["id"]), str(d["cron"]), str(d.get("scope", "chain")), d.get("period", "last_week"),
                            d.get("format", "pptx"), tuple(map(str, to)), str(d.get("title") or "客户体验周报")))
    return out


def load_schedules(path: Path | None = None) -> list[Schedule]:
    p = path or settings.schedules_path()
    if not p.exists():
        return []
    try:
        return parse_schedules(yaml.safe_load(p.read_text(encoding="utf-8")), p.name)
    except yaml.YAMLError as e:
        raise ScheduleError(f"{p.name} 不是有效的 YAML：{e}") from None


def period_dates(period: str, fire: datetime) -> tuple[date, date]:
    """The whole days a digest fired at ``fire`` covers (ending the day before)."""
    today = fire.date()
    if period == "last_day":
        return today - timedelta(days=1), today - timedelta(days=1)
    if period == "last_week":           # the previous Monday–Sunday
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if period == "last_month":
        first = today.replace(day=1)
        return (first - timedelta(days=1)).replace(day=1), first - timedelta(days=1)
    days = 7 if period == "last_7_days" else 30
    return today - timedelta(days=days), today - timedelta(days=1)


def _timed(name: str, fn, *a):
    t0 = time.monotonic()
    try:
        out = fn(*a)
    except Exception as e:  # noqa: BLE001 - a job failure is logged, the scheduler goes on
        log.exception("job %s failed after %.2fs: %s", name, time.monotonic() - t0, e)
        return None
    log.info("job %s ok in %.2fs: %s", name, time.monotonic() - t0, out)
    return out


def escalate_job() -> int | None:
    con = state.store()
    return None if con is None else commands.escalate_overdue(con, state.now())


def deliver_job() -> dict | None:
    con = state.store()
    return None if con is None else outbox.deliver_due(con, now=state.now())


def inbox_job(root: Path | None = None) -> dict:
    """Import every file waiting in ``<inbox>/<source>/``; move it to done/ or failed/ (with the reason)."""
    con = state.store()
    out = {"done": 0, "failed": 0}
    if con is None:
        return out
    root = root or settings.inbox_dir()
    for source in INBOX_SOURCES:
        folder = root / source
        if not folder.is_dir():
            continue
        for f in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")):
            if time.time() - f.stat().st_mtime < float(settings.env("CX_INBOX_SETTLE_S", "2")):
                continue        # still being written
            try:
                r = commands.import_upload(con, INBOX_USER, f.read_bytes(), f.name, source)
            except (ImportFailed, commands.CommandError, OSError) as e:
                _move(f, folder / "failed", str(e))
                out["failed"] += 1
                log.warning("inbox %s/%s failed: %s", source, f.name, e)
            else:
                _move(f, folder / "done", r.summary())
                out["done"] += 1
                log.info("inbox %s/%s imported: %s", source, f.name, r.summary())
    return out


def _move(f: Path, dest: Path, note: str) -> None:
    dest.mkdir(exist_ok=True)
    target = dest / f.name
    if target.exists():
        target = dest / f"{f.stem}_{datetime.now():%Y%m%d%H%M%S}{f.suffix}"
    shutil.move(str(f), target)
    target.with_name(target.name + ".reason.txt").write_text(note + "\n", encoding="utf-8")


def _targets(s: Schedule) -> list[tuple[str, str]]:
    pairs, unknown = recipients.named(s.recipients)
    for t in unknown:
        log.warning("digest %s: unknown recipient %s (not an e-mail, a recipients.yaml id or an account with contact)",
                    s.id, t)
    return pairs


def run_digest(s: Schedule, fire: datetime) -> str:
    """Build the digest for the fire time ``fire`` (naive local) and queue it; records the fire in job_runs
    in the same transaction as the notifications (so a restart neither loses nor repeats it)."""
    con = state.store()
    if con is None:
        return "no store"
    start, end = period_dates(s.period, fire)
    path = commands.build_digest(con, s.scope, start, end, s.format, settings.digests_dir() / s.id, name=s.id)
    subject = f"【{settings.brand()}】{s.title}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"
    with con.cursor() as cur, db.transaction(cur):
        body = f"{s.title}\n范围：{outbox.scope_words(cur, s.scope)}\n周期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        n = outbox.enqueue_digest(cur, f"digest:{s.id}:{fire:%Y-%m-%dT%H:%M}", subject, body, _targets(s),
                                  str(path), now=state.now(), link=outbox.digest_link(s.scope, start, end))
        cur.execute(db.sql("service/job_run_set"), {"job_id": f"digest:{s.id}", "fire": fire, "at": datetime.now(),
                                                    "outcome": f"{path.name} → {n} 条通知"})
    return f"{path.name}, {n} notifications"


def _last_fire(job_id: str) -> datetime | None:
    con = state.store()
    with con.cursor() as cur:
        row = cur.execute(db.sql("service/job_run_get"), {"job_id": job_id}).fetchone()
    return row[0] if row else None


def _local(dt: datetime) -> datetime:
    return dt.astimezone(ZoneInfo(settings.time_zone())).replace(tzinfo=None)


def catch_up(s: Schedule, now: datetime | None = None) -> datetime | None:
    """Run a missed digest once: the latest fire time after the last one handled and not after now.
    A schedule never run before starts counting from now (no back-fill). Returns the fire time run."""
    con = state.store()
    if con is None:
        return None
    now = now or state.now()
    tz = ZoneInfo(settings.time_zone())
    last = _last_fire(f"digest:{s.id}")
    if last is None:
        with con.cursor() as cur, db.transaction(cur):
            cur.execute(db.sql("service/job_run_set"), {"job_id": f"digest:{s.id}", "fire": now, "at": now,
                                                        "outcome": "已登记（从现在开始按计划运行）"})
        return None
    trig, missed = s.trigger(), None
    nxt = trig.get_next_fire_time(None, last.replace(tzinfo=tz) + timedelta(seconds=1))
    while nxt is not None and _local(nxt) <= now:
        missed = _local(nxt)
        nxt = trig.get_next_fire_time(nxt, nxt + timedelta(seconds=1))
    if missed is not None:
        log.info("digest %s missed its run at %s: catching up once", s.id, missed)
        _timed(f"digest:{s.id} (catch-up)", run_digest, s, missed)
    return missed


def _scheduled_digest(s: Schedule) -> None:
    fire = state.now().replace(second=0, microsecond=0)
    if (last := _last_fire(f"digest:{s.id}")) is not None and last >= fire:
        return          # already handled (e.g. by the catch-up at start)
    _timed(f"digest:{s.id}", run_digest, s, fire)


def start() -> BackgroundScheduler:
    """Start the scheduler with every job; digests missed while the service was down run once first."""
    sched = BackgroundScheduler(timezone=ZoneInfo(settings.time_zone()),
                                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    sched.add_job(_timed, "interval", args=("escalate", escalate_job), id="escalate",
                  seconds=int(settings.env("CX_ESCALATE_SECONDS", "60")), next_run_time=datetime.now(tz=ZoneInfo(settings.time_zone())))
    sched.add_job(_timed, "interval", args=("deliver", deliver_job), id="deliver",
                  seconds=float(settings.env("CX_DELIVER_SECONDS", "10")))
    sched.add_job(_timed, "interval", args=("inbox", inbox_job), id="inbox",
                  seconds=float(settings.env("CX_INBOX_SECONDS", "30")))
    try:
        schedules = load_schedules()
    except ScheduleError as e:
        log.error("schedules.yaml ignored: %s", e)
        schedules = []
    for s in schedules:
        if state.store() is not None:
            catch_up(s)
        sched.add_job(_scheduled_digest, s.trigger(), args=(s,), id=f"digest:{s.id}")
    sched.start()
    log.info("scheduler started: escalate, deliver, inbox, %d digest(s)", len(schedules))
    return sched
