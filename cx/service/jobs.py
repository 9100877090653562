"""Scheduled jobs of the service (APScheduler BackgroundScheduler; one log line per run).

- ``escalate``  every minute: SLA escalation (cx.commands.escalate_overdue) — notifications queued with it.
- ``deliver``   every ``CX_DELIVER_SECONDS`` (10): send due notifications from the outbox.
- ``inbox``     every ``CX_INBOX_SECONDS`` (30): import files dropped in ``data/inbox/<source>/``; each file
                is moved to ``done/`` or ``failed/`` (with ``<file>.reason.txt`` saying why).
- ``digest:<id>`` per entry of ``data/schedules.yaml`` (cron expression in the chain's zone ``CX_TZ``): build
                the digest (PPTX / HTML / PDF) and queue it to its recipients. The last fire time handled is
                stored in ``job_runs``; a run missed while the service was down is caught up once (coalesced),
                never repeated.
- ``schedules`` every minute (and at start): reload ``schedules.yaml`` when it changed (an invalid file is
                logged and the previous schedules stay) and catch up missed digests.

All times are the chain's (``cx.settings.now()``), whatever the server's clock zone.
"""
from __future__ import annotations

import logging
import shutil
import threading
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from cx import auth, commands, db, settings, vocab
from cx.scope import parse_scope
from cx.ingest import ImportFailed
from cx.notify import outbox, recipients
from cx.service import state

log = logging.getLogger("cx.jobs")
INBOX_SOURCES = vocab.SOURCES
INBOX_USER = auth.User("inbox", "收件箱", "hq")
PERIODS = ("last_day", "last_week", "last_month", "last_7_days", "last_30_days")


NOT_LOADED = "，此摘要未加载（其他摘要照常运行）"


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
        return crontab_trigger(self.cron, settings.zone())


_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def crontab_trigger(expr: str, tz=None) -> CronTrigger:
    """A trigger for a standard five-field crontab line (minute hour day month day-of-week), day of week as in
    cron(5): 0 or 7 = Sunday, 1 = Monday … 6 = Saturday. APScheduler's own ``CronTrigger.from_crontab`` counts
    0 as Monday, so "0 8 * * 1" would fire on Tuesdays: numeric days are turned into names first (steps after
    "/" count from Sunday as in cron). Raises ValueError for a line that is not five fields or a day number above 7."""
    fields = str(expr).split()
    if len(fields) != 5:
        raise ValueError(f"应为 5 个字段（分 时 日 月 星期），实际 {len(fields)} 个")
    minute, hour, day, month, dow = fields

    if dow == "*" or re.search(r"[a-z]", dow, re.I):    # every day, or names (mon-fri): the same in both
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow.lower(), timezone=tz)
    days: set[int] = set()
    for part in dow.split(","):
        m = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if not m:
            raise ValueError(f"星期字段“{dow}”无法识别")
        lo, hi = (0, 6) if m.group(1) == "*" else (int(m.group(2)), int(m.group(3) or m.group(2)))
        if hi > 7 or lo > hi:
            raise ValueError(f"星期只能是 0–7（0 和 7 都是星期日），不能是“{part}”")
        if m.group(4) is None and m.group(3) is None and m.group(1) != "*":
            hi = lo
        elif m.group(4) is not None and m.group(3) is None and m.group(1) != "*":
            hi = 6                         # "a/n" = from a to the end, every n-th day (cron(5))
        days |= {d % 7 for d in range(lo, hi + 1, int(m.group(4) or 1))}
    dow = ",".join(_DOW_NAMES[d] for d in sorted(days))
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone=tz)


def parse_schedules(doc: object, where: str = "schedules.yaml", problems: dict[str, str] | None = None) -> list[Schedule]:
    """The digests of a parsed ``schedules.yaml``. A file-level fault or an entry without a usable id, cron,
    period, format or recipients raises ScheduleError (Chinese; the file does not take effect). A digest whose
    ``scope`` does not parse (:func:`cx.scope.parse_scope`) is left out and the others load: its Chinese error,
    naming the digest and the scope, goes to ``problems`` (digest id → message), or to the log when that is None
    — so a bad scope is caught when the file is loaded, not when the digest fires."""
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
            crontab_trigger(str(d["cron"]))
        except ValueError as e:
            raise ScheduleError(f"{where}：“{d['id']}”的 cron 表达式无效：{e}") from None
        if d.get("period", "last_week") not in PERIODS:
            raise ScheduleError(f"{where}：“{d['id']}”的 period 必须是 {'/'.join(PERIODS)}")
        if d.get("format", "pptx") not in commands.DIGEST_FORMATS:
            raise ScheduleError(f"{where}：“{d['id']}”的 format 必须是 pptx/html/pdf")
        to = d.get("recipients") or []
        if not isinstance(to, list) or not to:
            raise ScheduleError(f"{where}：“{d['id']}”需要 recipients 列表（邮箱、recipients.yaml 中的 id 或账号名）")
        scope = "chain" if d.get("scope") is None else str(d["scope"])
        try:
            parse_scope(scope)
        except ValueError as e:
            msg = f"{where}：摘要“{d['id']}”的 scope“{scope}”无效（{e}）"
            if problems is None:
                log.error(msg + NOT_LOADED)
            else:
                problems[str(d["id"])] = msg
            continue
        out.append(Schedule(str(d["id"]), str(d["cron"]), scope, d.get("period", "last_week"),
                            d.get("format", "pptx"), tuple(map(str, to)), str(d.get("title") or "客户体验周报")))
    return out


def load_schedules(path: Path | None = None, problems: dict[str, str] | None = None) -> list[Schedule]:
    """The digests of ``schedules.yaml`` (default ``settings.schedules_path()``; none when absent); see
    :func:`parse_schedules` for ``problems`` and the ScheduleError raised."""
    p = path or settings.schedules_path()
    if not p.exists():
        return []
    try:
        return parse_schedules(yaml.safe_load(p.read_text(encoding="utf-8")), p.name, problems)
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


TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", ".filepart")
_SEEN: dict[str, tuple[int, int, float]] = {}   # path → (size, mtime_ns, clock when first seen with them)


def is_temporary(name: str) -> bool:
    """Names the inbox never takes: hidden files (``.x``), Office lock files (``~$x``), editor backups (``x~``)
    and files still being copied (``.part``, ``.tmp``, ``.crdownload`` …)."""
    low = name.lower()
    return name.startswith((".", "~$")) or name.endswith("~") or low.endswith(TEMP_SUFFIXES)


def settle_seconds() -> float:
    """``CX_INBOX_SETTLE_S`` (default 10): how long a file's size and mtime must stay unchanged before import."""
    return float(settings.env("CX_INBOX_SETTLE_S", "10"))


def _settled(f: Path, clock: float, settle: float) -> bool:
    """True once ``f`` has kept the same size and mtime for ``settle`` seconds of ``clock`` (monotonic),
    as seen by successive scans (the first sight of a file, or of a change, starts the wait again)."""
    st = f.stat()
    sig = (st.st_size, st.st_mtime_ns)
    seen = _SEEN.get(str(f))
    if seen is None or seen[:2] != sig:
        _SEEN[str(f)] = (*sig, clock)
        return settle <= 0
    return clock - seen[2] >= settle


def inbox_job(root: Path | None = None, clock: float | None = None) -> dict:
    """Import every complete file waiting in ``<inbox>/<source>/``; move it to done/ or failed/ (with the reason).

    A file is taken only when it is complete: hidden and temporary names are skipped (:func:`is_temporary`), and
    its size and mtime must be unchanged for :func:`settle_seconds` across scans (``clock``: monotonic seconds,
    injectable for tests). Writers should copy under a temporary name and rename when done. A file of a type the
    importer does not read (e.g. ``.xls``) goes to failed/ with the reason, like any other failure."""
    con = state.store()
    out = {"done": 0, "failed": 0, "waiting": 0}
    if con is None:
        return out
    root = root or settings.inbox_dir()
    clock = time.monotonic() if clock is None else clock
    settle, present = settle_seconds(), set()
    for source in INBOX_SOURCES:
        folder = root / source
        if not folder.is_dir():
            continue
        for f in sorted(p for p in folder.iterdir() if p.is_file() and not is_temporary(p.name)):
            present.add(str(f))
            try:
                if not _settled(f, clock, settle):
                    out["waiting"] += 1
                    continue            # new or still growing: look again at the next scan
            except FileNotFoundError:   # renamed or removed between listing and stat
                continue
            try:
                r = commands.import_upload(con, INBOX_USER, f.read_bytes(), f.name, source)
            except Exception as e:  # noqa: BLE001 - every failure keeps the file, in failed/ with the reason
                reason = str(e) if isinstance(e, (ImportFailed, commands.CommandError, ValueError, OSError)) \
                    else f"导入时出错：{type(e).__name__}: {e}"
                _move(f, folder / "failed", reason)
                out["failed"] += 1
                log.warning("inbox %s/%s failed, moved to failed/: %s", source, f.name, reason)
            else:
                _move(f, folder / "done", r.summary())
                out["done"] += 1
                log.info("inbox %s/%s imported: %s", source, f.name, r.summary())
            _SEEN.pop(str(f), None)
    for k in [k for k in _SEEN if k not in present]:
        del _SEEN[k]
    return out


def _move(f: Path, dest: Path, note: str) -> None:
    dest.mkdir(exist_ok=True)
    target = dest / f.name
    if target.exists():
        target = dest / f"{f.stem}_{settings.now():%Y%m%d%H%M%S}{f.suffix}"
    shutil.move(str(f), target)
    target.with_name(target.name + ".reason.txt").write_text(note + "\n", encoding="utf-8")


def covers(con, user: auth.User, scope: str) -> bool:
    """Whether a digest of ``scope`` ('chain', 'region:华东', 'store:S0001') stays inside the account's own scope."""
    if user.sees_all:
        return True
    _, fields = parse_scope(scope)                # the one parser of digest scopes (ValueError for a bad one)
    if "stores" in fields:
        mine = auth.scope(con, user) if con is not None else None
        return mine is not None and fields["stores"][0] in mine
    if "regions" in fields:
        return user.role == "region" and user.region == fields["regions"][0]
    return False


def _targets(s: Schedule, con=None) -> list[tuple[str, str]]:
    pairs, unknown, refused = recipients.named(s.recipients, allowed=lambda u: covers(con, u, s.scope))
    for t in unknown:
        log.warning("digest %s: unknown recipient %s (not an e-mail, a recipients.yaml id or an account with contact)",
                    s.id, t)
    for t in refused:
        log.warning("digest %s: account %s not sent the digest — its scope does not cover “%s” (a digest never "
                    "widens what an account may see; e-mail addresses and robot ids are sent as configured)", s.id, t, s.scope)
    return pairs


def run_digest(s: Schedule, fire: datetime, con=None, manual: bool = False) -> str:
    """:func:`digest_once`, as the one-line outcome the job log shows."""
    out = digest_once(s, fire, con, manual)
    return out if isinstance(out, str) else out["summary"]


def digest_once(s: Schedule, fire: datetime, con=None, manual: bool = False) -> dict | str:
    """Build the digest for the fire time ``fire`` (naive, chain-local) and queue it.

    A scheduled run records the fire in ``job_runs`` in the same transaction as its notifications (so a restart
    neither loses nor repeats it); a manual run (``manual=True``, ``python -m cx digest run ID``) is keyed by
    its own time and leaves the schedule's record alone."""
    con = con if con is not None else state.store()
    if con is None:
        return "no store"
    start, end = period_dates(s.period, fire)
    path = commands.build_digest(con, s.scope, start, end, s.format, settings.digests_dir() / s.id, name=s.id)
    subject = f"【{settings.brand()}】{s.title}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"
    key = f"digest:{s.id}:manual:{fire:%Y-%m-%dT%H:%M:%S}" if manual else f"digest:{s.id}:{fire:%Y-%m-%dT%H:%M}"
    with con.cursor() as cur, db.transaction(cur):
        body = f"{s.title}\n范围：{outbox.scope_words(cur, s.scope)}\n周期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        n = outbox.enqueue_digest(cur, key, subject, body, _targets(s, con), str(path), now=settings.now(),
                                  link=outbox.digest_link(s.scope, start, end))
        if not manual:
            cur.execute(db.sql("service/job_run_set"), {"job_id": f"digest:{s.id}", "fire": fire,
                                                        "at": settings.now(), "outcome": f"{path.name} → {n} 条通知"})
    return {"id": s.id, "summary": f"{path.name}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}），{n} 条通知",
            "file": path.name, "start": start.isoformat(), "end": end.isoformat(), "notifications": n}


def run_now(con, schedule_id: str, now: datetime | None = None) -> dict:
    """Run one digest of ``schedules.yaml`` now (testing a schedule): the period is computed as if it fired at
    ``now`` (default ``settings.now()``); notifications are queued (the service's sender delivers them).
    Raises ScheduleError (Chinese) for an unknown id or an unusable file. Returns {id, summary, file, start, end,
    notifications}."""
    problems: dict[str, str] = {}
    found = {s.id: s for s in load_schedules(problems=problems)}
    if schedule_id in problems:
        raise ScheduleError(problems[schedule_id])
    if schedule_id not in found:
        have = "、".join(found) or "（无）"
        raise ScheduleError(f"schedules.yaml 中没有 id 为“{schedule_id}”的摘要（现有：{have}）")
    s, fire = found[schedule_id], (now or settings.now()).replace(microsecond=0)
    with _DIGEST_LOCK:
        out = digest_once(s, fire, con, manual=True)
    log.info("digest %s run by hand at %s (%s): %s", s.id, f"{fire:%Y-%m-%d %H:%M:%S}", settings.time_zone(),
             out["summary"])
    return out


def _last_fire(job_id: str, con=None) -> datetime | None:
    con = con if con is not None else state.store()
    with con.cursor() as cur:
        row = cur.execute(db.sql("service/job_run_get"), {"job_id": job_id}).fetchone()
    return row[0] if row else None


_DIGEST_LOCK = threading.Lock()      # a scheduled run, a catch-up and a manual run never overlap


def catch_up(s: Schedule, now: datetime | None = None, min_age: timedelta = timedelta(0)) -> datetime | None:
    """Run a missed digest once: the latest fire time after the last one handled and not after ``now - min_age``
    (chain-local; ``min_age`` leaves a fire that is due right now to the scheduler). A schedule never run before
    starts counting from now (no back-fill). Returns the fire time run, or None."""
    con = state.store()
    if con is None:
        return None
    now = now or settings.now()
    tz = settings.zone()
    with _DIGEST_LOCK:
        last = _last_fire(f"digest:{s.id}", con)
        if last is None:
            with con.cursor() as cur, db.transaction(cur):
                cur.execute(db.sql("service/job_run_set"), {"job_id": f"digest:{s.id}", "fire": now, "at": now,
                                                            "outcome": "已登记（从现在开始按计划运行）"})
            return None
        trig, missed = s.trigger(), None
        nxt = trig.get_next_fire_time(None, last.replace(tzinfo=tz) + timedelta(seconds=1))
        while nxt is not None and settings.to_local(nxt) <= now - min_age:
            missed = settings.to_local(nxt)
            nxt = trig.get_next_fire_time(nxt, nxt + timedelta(seconds=1))
        if missed is not None:
            log.info("digest %s missed its run at %s (%s): catching up once", s.id, f"{missed:%Y-%m-%d %H:%M}",
                     settings.time_zone())
            _timed(f"digest:{s.id} (catch-up of {missed:%Y-%m-%d %H:%M})", run_digest, s, missed)
    return missed


def _scheduled_digest(s: Schedule) -> None:
    fire = settings.now().replace(second=0, microsecond=0)
    with _DIGEST_LOCK:
        if (last := _last_fire(f"digest:{s.id}")) is not None and last >= fire:
            return          # already handled (e.g. by a catch-up)
        _timed(f"digest:{s.id} (fire {fire:%Y-%m-%d %H:%M} {settings.time_zone()})", run_digest, s, fire)


class Schedules:
    """The digests of ``schedules.yaml`` as scheduler jobs, reloaded when the file changes.

    ``tick()`` runs every minute (and once at start): if the file's content changed since the last load it is
    parsed again; a valid file replaces the digest jobs (added, changed, removed), an invalid one is logged in
    Chinese and the previous schedules stay. A digest with a scope that does not parse is not loaded — logged in
    Chinese and kept in ``problems`` (id → message); a digest loaded before keeps its previous settings — while
    the others load. Then every schedule's missed run is caught up once."""

    def __init__(self, sched: BackgroundScheduler, path: Path | None = None):
        self.sched, self.path = sched, path
        self.current: dict[str, Schedule] = {}
        self.text: str | None = None          # the file content last seen (valid or not)
        self.problems: dict[str, str] = {}    # digests of the loaded file left out (bad scope): id → message
        self.ticks = 0

    def _read(self) -> str:
        p = self.path or settings.schedules_path()
        return p.read_text(encoding="utf-8") if p.exists() else ""

    def reload(self) -> bool:
        """Load the file again if its content changed; returns True when the jobs were replaced."""
        try:
            text = self._read()
        except OSError as e:
            log.error("读取 schedules.yaml 失败，继续使用原有的 %d 个摘要计划：%s", len(self.current), e)
            return False
        if text == self.text:
            return False
        first, self.text = self.text is None, text
        problems: dict[str, str] = {}
        try:
            new = {s.id: s for s in (parse_schedules(yaml.safe_load(text), problems=problems) if text.strip() else [])}
        except (ScheduleError, yaml.YAMLError) as e:
            msg = e if isinstance(e, ScheduleError) else f"schedules.yaml 不是有效的 YAML：{e}"
            log.error("schedules.yaml 有错误，未生效，继续使用原有的 %d 个摘要计划：%s", len(self.current), msg)
            return False
        for i, msg in problems.items():     # a digest whose new scope is bad keeps its previous settings, if any
            if i in self.current:
                new[i] = self.current[i]
            log.error(msg + ("，此摘要的修改未生效，继续使用原有设置" if i in self.current else NOT_LOADED))
        added = [i for i in new if i not in self.current]
        changed = [i for i in new if i in self.current and new[i] != self.current[i]]
        removed = [i for i in self.current if i not in new]
        for i in removed + changed:
            if self.sched.get_job(f"digest:{i}"):
                self.sched.remove_job(f"digest:{i}")
        for i in added + changed:
            self.sched.add_job(_scheduled_digest, new[i].trigger(), args=(new[i],), id=f"digest:{i}")
        self.current, self.problems = new, problems
        if not first:
            log.info("schedules.yaml 已重新加载：%d 个摘要（新增 %d，修改 %d，删除 %d）", len(new), len(added),
                     len(changed), len(removed))
        for i in added + changed:
            nxt = self.sched.get_job(f"digest:{i}").next_run_time if self.sched.running else None
            log.info("digest %s: cron “%s” (%s)%s", i, new[i].cron, settings.time_zone(),
                     f", next run {settings.to_local(nxt):%Y-%m-%d %H:%M}" if nxt else "")
        return True

    def tick(self) -> str:
        self.reload()
        # at start every missed fire is made up; later ticks leave the current minute's fire to its cron job
        age = timedelta(0) if self.ticks == 0 else timedelta(seconds=90)
        self.ticks += 1
        caught = [s.id for s in list(self.current.values()) if catch_up(s, min_age=age) is not None]
        return f"{len(self.current)} digest(s)" + (f", caught up: {', '.join(caught)}" if caught else "")


def start() -> BackgroundScheduler:
    """Start the scheduler with every job (triggers in the chain's zone ``CX_TZ``). The ``schedules`` job loads
    ``schedules.yaml`` right away and again every minute when it changed, and catches up missed digests once."""
    tz = settings.zone()
    sched = BackgroundScheduler(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1,
                                                           "misfire_grace_time": 3600})
    now = datetime.now(tz)
    sched.add_job(_timed, "interval", args=("escalate", escalate_job), id="escalate",
                  seconds=int(settings.env("CX_ESCALATE_SECONDS", "60")), next_run_time=now)
    sched.add_job(_timed, "interval", args=("deliver", deliver_job), id="deliver",
                  seconds=float(settings.env("CX_DELIVER_SECONDS", "10")))
    sched.add_job(_timed, "interval", args=("inbox", inbox_job), id="inbox",
                  seconds=float(settings.env("CX_INBOX_SECONDS", "30")))
    for source in INBOX_SOURCES:          # the folders people drop files into exist from the first start
        try:
            (settings.inbox_dir() / source).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            log.warning("inbox folder %s cannot be created: %s", settings.inbox_dir() / source, e)
    schedules = Schedules(sched)
    schedules.reload()
    sched.add_job(_timed, "interval", args=("schedules", schedules.tick), id="schedules",
                  seconds=float(settings.env("CX_SCHEDULES_SECONDS", "60")), next_run_time=now)
    sched.start()
    state.STATUS["schedules"] = schedules
    log.info("scheduler started (%s): escalate, deliver, inbox, schedules, %d digest(s)", settings.time_zone(),
             len(schedules.current))
    for i, sc in schedules.current.items():
        if (job := sched.get_job(f"digest:{i}")) is not None and job.next_run_time is not None:
            log.info("digest %s: cron “%s”, next run %s (%s)", i, sc.cron, f"{settings.to_local(job.next_run_time):%Y-%m-%d %H:%M}",
                     settings.time_zone())
    return sched
