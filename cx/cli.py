"""Command line: ``python -m cx demo|ingest …``. Failures print one Chinese line and exit non-zero."""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from cx import db, demo
from cx.client import ServiceError
from cx.ingest import ImportFailed, ImportOptions, import_file, plan
from cx.ingest.mapping import SOURCES, label
from cx.text.taxonomy import TaxonomyError


@contextlib.contextmanager
def _store(path: Path | None, read_only: bool = False):
    """The store for one command, always closed (so the file lock is released even on errors)."""
    con = db.connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


class Bar:
    """A one-line progress bar on stderr; when stderr is a log file, one plain line per 5 % instead."""

    def __init__(self, stream=sys.stderr):
        self.stream, self.t0, self.last = stream, time.monotonic(), -1.0
        self.tty = stream.isatty()

    def __call__(self, frac: float, msg: str) -> None:
        if not self.tty:
            if frac - self.last >= 0.05 or frac >= 1.0:
                self.last = frac
                self.stream.write(f"{frac:6.1%} {time.monotonic() - self.t0:7.1f}s {msg}\n")
                self.stream.flush()
            return
        if frac - self.last < 0.01 and frac < 1.0:
            return
        self.last = frac
        filled = int(frac * 30)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {frac:6.1%} {msg[:50]:<50}")
        if frac >= 1.0:
            self.stream.write(f"  {time.monotonic() - self.t0:.1f}s\n")
        self.stream.flush()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cx", description="CX Lens 客户体验透镜 命令行")
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("demo", help="生成演示连锁门店数据库")
    d.add_argument("--rows", type=int, default=demo.DemoConfig.rows)
    d.add_argument("--stores", type=int, default=None, help="门店数（默认 300；行数 ≥ 500 万时 2000）")
    d.add_argument("--months", type=int, default=None, help="月数（默认 12；行数 ≥ 500 万时 24）")
    d.add_argument("--seed", type=int, default=demo.DemoConfig.seed)
    d.add_argument("--end", type=date.fromisoformat, default=None,
                   help="数据截止日（不含，默认今天；数据最后一天为其前一天），如 2026-11-01")
    d.add_argument("--db", type=Path, default=None, help="数据库文件（默认 $CX_DB 或 data/cx.duckdb）")
    d.add_argument("--force", action="store_true", help="覆盖已存在的数据库文件")
    i = sub.add_parser("ingest", help="导入 CSV/XLSX 文件")
    i.add_argument("file", type=Path)
    i.add_argument("--source", required=True, choices=SOURCES)
    i.add_argument("--db", type=Path, default=None)
    i.add_argument("--create-stores", action="store_true", help="遇到未知门店编号时自动创建（否则拒绝该行）")
    i.add_argument("--profile", default=None, help="导入配置名称（data/import_profiles/*.yaml；默认按表头自动识别）")
    i.add_argument("--date-order", default=None, choices=["ymd", "mdy", "dmy"],
                   help="日期顺序：ymd 年/月/日，mdy 月/日/年，dmy 日/月/年（默认由整列推断，无法判断时停止）")
    i.add_argument("--timezone", default=None, help="文件中未带时区的时间所在时区（默认连锁时区 Asia/Shanghai）")
    i.add_argument("--questionnaire", default=None, help="问卷名称：答卷编号只在该问卷内唯一时用来区分不同问卷")
    i.add_argument("--sheet", action="append", default=None, help="只读取指定工作表（可重复；默认读取全部表头相同的工作表）")
    i.add_argument("--column", action="append", default=None, metavar="字段=列名",
                   help="明确指定某字段用哪一列（可重复），如 --column rating=评分 (3)；列名重复或识别不对时使用")
    i.add_argument("--dry-run", action="store_true", help="只显示识别结果、假设和预览，不写入数据库")
    al = sub.add_parser("alerts", help="对全部反馈运行预警规则（已有工单不会重复创建）")
    al.add_argument("--db", type=Path, default=None)
    al.add_argument("--since", type=str, default="2000-01-01", help="只检查此日期之后的反馈（YYYY-MM-DD）")
    es = sub.add_parser("escalate", help="按 SLA 升级超时工单（适合定时任务）")
    es.add_argument("--db", type=Path, default=None)
    u = sub.add_parser("users", help="账号管理：add / reset / contact / list")
    usub = u.add_subparsers(dest="users_cmd", required=True)
    ua = usub.add_parser("add", help="新增账号（密码从标准输入读取或交互输入）")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=["hq", "analyst", "region", "store"])
    ua.add_argument("--name", default=None)
    ua.add_argument("--region", default=None)
    ua.add_argument("--store", default=None)
    ua.add_argument("--email", default=None, help="接收工单通知的邮箱（门店账号收本店工单，区域账号收升级到区域的工单）")
    ua.add_argument("--db", type=Path, default=None)
    ua.add_argument("--allow-unknown", action="store_true", help="允许数据库中尚不存在的区域/门店（先建账号、后导入数据时）")
    uc = usub.add_parser("contact", help="设置账号的通知方式：邮箱和/或个人群机器人 webhook")
    uc.add_argument("username")
    uc.add_argument("--email", default=None, help="邮箱；传空字符串 \"\" 清除")
    uc.add_argument("--webhook-kind", choices=["wecom", "dingtalk", "feishu"], default=None)
    uc.add_argument("--webhook-url", default=None, help="机器人 webhook 地址；传空字符串 \"\" 清除")
    uc.add_argument("--webhook-secret", default=None, help="钉钉/飞书加签密钥（可选）")
    ur = usub.add_parser("reset", help="重置密码")
    ur.add_argument("username")
    usub.add_parser("list", help="列出账号")
    tk = sub.add_parser("tokens", help="API 令牌：add / list / revoke（令牌只保存哈希）")
    tsub = tk.add_subparsers(dest="tokens_cmd", required=True)
    ta = tsub.add_parser("add", help="新建令牌（只显示一次）")
    ta.add_argument("name")
    ta.add_argument("--role", required=True, choices=["hq", "analyst", "region", "store"])
    ta.add_argument("--region", default=None)
    ta.add_argument("--store", default=None)
    ta.add_argument("--allow-unknown", action="store_true", help="允许数据库中尚不存在的区域/门店（先建令牌、后导入数据时）")
    ta.add_argument("--db", type=Path, default=None)
    tsub.add_parser("list", help="列出令牌")
    tr = tsub.add_parser("revoke", help="吊销令牌（按名称或编号）")
    tr.add_argument("name")
    rp = sub.add_parser("report", help="生成汇报 PPT/HTML（适合定时任务）")
    rp.add_argument("--scope", default="chain", help="chain | region:华东 | store:S0001")
    rp.add_argument("--period", required=True, help="2026-10 或 2026-08-01:2026-10-31")
    rp.add_argument("--out", type=Path, required=True, help="输出文件（.pptx 或 .html）")
    rp.add_argument("--db", type=Path, default=None)
    dg = sub.add_parser("digest", help="摘要：run ID 立即运行 schedules.yaml 中的一个摘要（测试计划与接收人）")
    dsub = dg.add_subparsers(dest="digest_cmd", required=True)
    dr = dsub.add_parser("run", help="立即生成并发送一个摘要（周期按现在计算）")
    dr.add_argument("id", help="schedules.yaml 中摘要的 id")
    dr.add_argument("--db", type=Path, default=None)
    bk = sub.add_parser("backup", help="把数据库完整复制到新文件（服务运行时经由服务，不停机）")
    bk.add_argument("out", type=Path)
    bk.add_argument("--db", type=Path, default=None)
    r = sub.add_parser("rebuild-text", help="修改旅程分类/词典后，重新分析库中全部文本")
    r.add_argument("--db", type=Path, default=None)
    return p


def _refuse_while_service(a: argparse.Namespace, what: str) -> None:
    if _service(a) is not None:
        raise SystemExit(f"错误：服务正在运行并占用数据库，{what}需要独占数据库：请先停止服务（或在“数据导入”页操作）")


def cmd_rebuild_text(a: argparse.Namespace) -> int:
    from cx.text import store as text_store
    from cx.text.taxonomy import load

    load()  # a broken taxonomy fails here with its Chinese message, before anything is touched
    _refuse_while_service(a, "重新分析全部文本")
    with _store(a.db) as con:
        t0 = time.monotonic()
        n = text_store.rebuild(con, progress=Bar())
    print(f"已重新分析 {n:,} 条文本，用时 {time.monotonic() - t0:.1f} 秒")
    return 0


def _service(a: argparse.Namespace) -> dict | None:
    """The running service holding this command's store, if any (then the command goes through its API)."""
    from cx import client

    return client.service_for(a.db)


def _check_scope(a: argparse.Namespace) -> None:
    """Refuse a region/store scope the store does not know (a misspelt one would see nothing), unless
    --allow-unknown. Reads the store through the running service, or directly."""
    from cx import access

    if a.allow_unknown or a.role not in ("region", "store") or not (a.region if a.role == "region" else a.store):
        return
    if (svc := _service(a)) is not None:
        from cx import client

        known = [(x["store_id"], x["region"]) for x in client.call(svc, "GET", "/v1/stores").json()["stores"]]
    else:
        from cx import settings

        path = a.db or settings.db_path()
        if not Path(path).exists():
            raise SystemExit(f"错误：数据库“{path}”还不存在，无法核对区域/门店；如确需先建令牌/账号，请加 --allow-unknown")
        try:
            with _store(a.db, read_only=True) as con:
                known = access.stores_and_regions(con)
        except duckdb.Error as e:
            raise SystemExit(f"错误：无法打开数据库核对区域/门店（{str(e).splitlines()[0][:120]}）；"
                             "如确需先建令牌/账号，请加 --allow-unknown") from None
    why = access.scope_problem(a.role, a.region, a.store, known)
    if why:
        raise SystemExit(f"错误：{why}")


def cmd_tokens(a: argparse.Namespace) -> int:
    from cx import tokens

    try:
        if a.tokens_cmd == "add":
            _check_scope(a)
            t, secret = tokens.add(a.name, a.role, a.region, a.store)
            print(f"已创建令牌 {t.name}（{t.user().describe()}），只显示这一次，请妥善保存：")
            print(secret)
        elif a.tokens_cmd == "revoke":
            print(f"已吊销 {tokens.revoke(a.name)} 个令牌：{a.name}")
        else:
            for t in tokens.list_tokens():
                state = f"已吊销 {t.revoked_at}" if t.revoked_at else "有效"
                print(f"{t.token_id}\t{t.name}\t{t.user().describe()}\t创建 {t.created_at}\t{state}")
    except tokens.TokenError as e:
        raise SystemExit(f"错误：{e}") from None
    return 0


def cmd_digest(a: argparse.Namespace) -> int:
    """``digest run ID``: through the service when it runs (its sender delivers), else directly (sent now)."""
    from cx import client

    if (svc := _service(a)) is not None:
        out = client.call(svc, "POST", f"/v1/digests/{a.id}/run").json()
        print(f"摘要 {out['id']} 已生成：{out['summary']}；通知由服务的发送任务投递（见“通知与审计”页）")
        return 0
    from cx.notify import outbox
    from cx.service import jobs

    with _store(a.db) as con:
        try:
            out = jobs.run_now(con, a.id)
        except jobs.ScheduleError as e:
            raise SystemExit(f"错误：{e}") from None
        sent = outbox.deliver_due(con)
    print(f"摘要 {out['id']} 已生成：{out['summary']}；服务未运行，已直接发送：成功 {sent['sent']}，"
          f"稍后重试 {sent['retry']}，失败 {sent['failed']}")
    return 0


def cmd_backup(a: argparse.Namespace) -> int:
    from cx import client, commands

    out = a.out.resolve()
    try:
        if (svc := _service(a)) is not None:
            size = client.call(svc, "POST", "/v1/backup", json={"path": str(out)}).json()["bytes"]
        else:
            with _store(a.db) as con:
                size = commands.backup(con, out).stat().st_size
    except commands.CommandError as e:
        raise SystemExit(f"错误：{e}") from None
    print(f"已备份到 {out}（{size / 1024 / 1024:.1f} MB）")
    return 0


def cmd_alerts(a: argparse.Namespace) -> int:
    from datetime import datetime, timedelta

    from cx import commands, settings

    since = datetime.fromisoformat(a.since)
    if (svc := _service(a)) is not None:
        from cx import client

        n = client.call(svc, "POST", "/v1/jobs/alerts", json={"since": since.date().isoformat()}).json()["tickets"]
        print(f"预警规则已运行：新建工单 {n} 张")
        return 0
    with _store(a.db) as con:
        n = commands.run_alerts(con, since, settings.now() + timedelta(days=1))
    print(f"预警规则已运行：新建工单 {n} 张")
    return 0


def cmd_escalate(a: argparse.Namespace) -> int:
    from cx import client, commands

    if (svc := _service(a)) is not None:
        n = client.call(svc, "POST", "/v1/jobs/escalate").json()["escalations"]
    else:
        with _store(a.db) as con:
            n = commands.escalate_overdue(con)
    print(f"SLA 检查完成：升级 {n} 次")
    return 0


def _read_password() -> str:
    import getpass

    if sys.stdin.isatty():
        pw = getpass.getpass("密码：")
        if pw != getpass.getpass("再次输入："):
            raise SystemExit("错误：两次输入的密码不一致")
        return pw
    return sys.stdin.readline().rstrip("\n")


def _contact(u) -> str:
    from cx import auth

    parts = ([f"邮箱 {u.email}"] if u.email else []) + \
            ([f"{auth.WEBHOOK_KINDS.get(u.webhook_kind, u.webhook_kind)}机器人"] if u.webhook_url else [])
    return "、".join(parts) or "未设置通知方式"


def cmd_users(a: argparse.Namespace) -> int:
    from cx import auth

    try:
        if a.users_cmd == "add":
            _check_scope(a)
            u = auth.add_user(a.username, _read_password(), a.role, a.name, a.region, a.store, email=a.email)
            print(f"已创建账号 {u.username}：{u.describe()}")
        elif a.users_cmd == "contact":
            kw = {}
            if a.email is not None:
                kw["email"] = a.email
            if a.webhook_url is not None:
                if a.webhook_url and not a.webhook_kind:
                    raise auth.AuthError("设置 webhook 需要 --webhook-kind（wecom/dingtalk/feishu）")
                kw["webhook"] = {"kind": a.webhook_kind, "url": a.webhook_url, "secret": a.webhook_secret} \
                    if a.webhook_url else None
            if not kw:
                raise auth.AuthError("请指定 --email 和/或 --webhook-url")
            u = auth.set_contact(a.username, **kw)
            print(f"已更新 {u.username} 的通知方式：{_contact(u)}")
        elif a.users_cmd == "reset":
            auth.reset_password(a.username, _read_password())
            print(f"已重置 {a.username} 的密码")
        else:
            for u in auth.list_users():
                print(f"{u.username}\t{u.describe()}\t{_contact(u)}")
    except auth.AuthError as e:
        raise SystemExit(f"错误：{e}") from None
    return 0


def cmd_report(a: argparse.Namespace) -> int:
    from cx.filters import Filters
    from cx.report import deck
    from cx.scope import parse_scope

    try:
        label, extra = parse_scope(a.scope)
        start, end = deck.parse_period(a.period)
    except ValueError as e:
        raise SystemExit(f"错误：{e}") from None
    if a.out.suffix.lower() not in (".pptx", ".html"):
        raise SystemExit("错误：--out 必须以 .pptx 或 .html 结尾")
    if (svc := _service(a)) is not None:
        from cx import client

        r = client.call(svc, "POST", "/v1/reports",
                        json={"scope": a.scope, "period": a.period, "format": a.out.suffix.lower()[1:]})
        a.out.write_bytes(r.content)
        print(f"已生成 {a.out}（{label}，{start} 至 {end}，{r.headers.get('X-CX-Slides', '?')} 页内容）")
        return 0
    with _store(a.db, read_only=True) as con:
        bar = Bar()
        report = deck.collect(con, Filters(start, end, **extra), label, progress=lambda f, m: bar(0.5 * f, m))
        if a.out.suffix.lower() == ".pptx":
            a.out.write_bytes(deck.to_pptx(report, progress=lambda f, m: bar(0.5 + 0.5 * f, m)))
        else:
            a.out.write_text(deck.to_html(report), encoding="utf-8")
    print(f"已生成 {a.out}（{label}，{start} 至 {end}，{len(report.slides)} 页内容）")
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    path = a.db or db.default_path()
    if path.exists() and not a.force:
        raise SystemExit(f"错误：数据库文件已存在：{path}（如需覆盖请加 --force）")
    _refuse_while_service(a, "重新生成演示数据库")
    stores, months = demo.auto_size(a.rows)
    stores, months = a.stores or stores, a.months or months
    if a.rows < 1 or stores < 8 or not 1 <= months <= 60:
        raise SystemExit("错误：--rows 至少为 1，--stores 至少为 8，--months 在 1–60 之间")
    t0 = time.monotonic()
    cfg = demo.DemoConfig(rows=a.rows, stores=stores, months=months, seed=a.seed, end=a.end)
    s = demo.build(path, cfg, progress=Bar())
    from cx import auth

    with _store(path) as con:
        auth.create_demo_users(con)
    print(f"已生成演示数据：{s['stores']} 家门店，{s['rows']:,} 条反馈，用时 {time.monotonic() - t0:.1f} 秒 → {path}")
    print(f"演示账号（仅供演示）：{'、'.join(f'demo-{r}/{p}' for r, p in auth.DEMO_PASSWORDS.items())}")
    return 0


def cmd_ingest(a: argparse.Namespace) -> int:
    columns = {}
    for item in a.column or []:
        fld, sep, header = item.partition("=")
        if not sep or not fld.strip():
            raise ImportFailed(f"--column 的格式应为 字段=列名（如 rating=星级），收到“{item}”")
        columns[fld.strip()] = header.strip() or None
    opts = ImportOptions(profile=a.profile, date_order=a.date_order, timezone=a.timezone,
                         questionnaire=a.questionnaire, sheets=a.sheet, columns=columns)
    if a.dry_run:
        try:
            data = Path(a.file).read_bytes()
        except OSError as e:
            raise ImportFailed(f"无法读取文件“{a.file}”：{e.strerror or e}") from None
        p = plan(data, Path(a.file).name, a.source, opts)
        print(f"{p.fmt}；导入配置：{p.profile.label}")
        for f, h in p.mapping.items():
            print(f"  {h} → {label(f)}（{p.resolution.how.get(f, '')}）")
        for line in p.assumptions:
            print(f"假设：{line}")
        for line in p.problems:
            print(f"问题：{line}")
        if p.preview is not None and len(p.preview):
            view = p.preview.head(10).rename(columns=lambda c: c if c in ("行号", "工作表") else label(c))
            print(view.astype(object).where(view.notna(), "").to_string(index=False))
        for n, why in p.preview_rejects[:10]:
            print(f"将被拒绝：第 {n} 行 {why}")
        return 1 if p.problems else 0
    if (svc := _service(a)) is not None:
        from cx import client

        try:
            data = a.file.read_bytes()
        except OSError as e:
            raise ImportFailed(f"无法读取文件“{a.file}”：{e.strerror or e}") from None
        try:
            r = client.call(svc, "POST", "/v1/imports", files={"file": (a.file.name, data)},
                            data={"source": a.source, "create_stores": str(bool(a.create_stores)).lower(),
                                  **{k: v for k, v in (("profile", a.profile), ("date_order", a.date_order),
                                                       ("timezone", a.timezone), ("questionnaire", a.questionnaire),
                                                       ("sheets", ",".join(a.sheet) if a.sheet else None),
                                                       ("columns", json.dumps(columns, ensure_ascii=False) if columns
                                                        else None)) if v}}).json()
        except client.ServiceError as e:
            msg = str(e)
            raise ImportFailed(msg.removeprefix("导入失败，数据库未做任何更改：")) from None
        _print_import(r["summary"], r.get("details", []), [tuple(x) for x in r.get("reject_lines", [])],
                      r["rows_rejected"], r["import_id"])
        return 0
    with _store(a.db) as con:
        r = import_file(con, a.file, a.source, options=opts, unknown_store="create" if a.create_stores else "reject",
                        progress=Bar(), imported_by="cli")
    _print_import(r.summary(), r.details(), r.reject_lines, r.rows_rejected, r.import_id)
    return 0


def _print_import(summary: str, details: list[str], reject_lines: list[tuple[str, str]], rows_rejected: int,
                  import_id: str | None) -> None:
    """The lines an import prints — the same whether it ran directly or through the service's API."""
    print(summary)
    for line in details:
        print(line)
    if rows_rejected and import_id:
        for n, why in reject_lines[:10]:
            print(f"拒绝：{n} {why}")
        if rows_rejected > 10:
            print(f"…… 共 {rows_rejected} 行被拒绝")
    if rows_rejected:
        print(f"被拒绝的行及原因可在“数据导入”页面下载（导入编号 {import_id}）")


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    try:
        return {"demo": cmd_demo, "ingest": cmd_ingest, "rebuild-text": cmd_rebuild_text, "alerts": cmd_alerts,
                "escalate": cmd_escalate, "users": cmd_users, "report": cmd_report, "tokens": cmd_tokens,
                "backup": cmd_backup, "digest": cmd_digest}[a.cmd](a)
    except ImportFailed as e:
        print(f"导入失败：{e}", file=sys.stderr)
    except TaxonomyError as e:
        print(f"旅程分类配置错误：{e}", file=sys.stderr)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            print("错误：数据库文件正被其他进程（例如正在运行的应用）占用，请关闭后重试", file=sys.stderr)
        else:
            print(f"错误：无法打开数据库：{str(e).splitlines()[0][:200]}", file=sys.stderr)
    except ServiceError as e:
        print(f"错误：{e}", file=sys.stderr)
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        print("已中断，数据未改变", file=sys.stderr)
        return 130
    except Exception as e:  # never a traceback for users
        print(f"错误：{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}", file=sys.stderr)
    return 1
