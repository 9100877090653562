"""Simulated ticket handling for the demo chain: most tickets are accepted and resolved, some late
(escalating on the way), some never touched (escalated by the SLA pass), recent ones still open."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from cx import db, vocab
from cx.loop import rules, tickets
from cx.loop.rules import LEVELS, LEVEL_LABELS

ACTORS = {"store": "门店店长", "region": "区域经理", "hq": "总部客服中心"}
NOTES = ["已致电顾客致歉并赠送优惠券", "已与当班员工沟通并培训", "已调整排班增加高峰人手", "已更换供应商批次并复检",
         "已修复小程序问题", "已与配送平台核实并赔付", "顾客表示理解，问题已解决", "已安排店长上门回访"]


def simulate(con: duckdb.DuckDBPyConnection, now: datetime, seed: int = 0,
             since: datetime | None = None, until: datetime | None = None) -> int:
    """Write handling events for every untouched ticket created in [since, until) (default: all) as of
    ``now``; returns tickets touched. Windows keep a 10 M-row demo's event lists small."""
    r = random.Random(seed)
    causes = rules.default_root_causes()
    with con.cursor() as cur, db.transaction(cur):
        df = cur.execute(db.sql("loop/untouched"), {"since": since, "until": until}).df()
        updates, evts = [], []
        for t in df.itertuples(index=False):
            if r.random() < 0.07:          # never touched: the SLA pass escalates it
                continue
            created = pd.Timestamp(t.created_at).to_pydatetime()
            speed = 0.4 if t.severity == "high" else 1.0
            accept = created + timedelta(hours=r.lognormvariate(0.7, 0.9) * speed)
            resolve = accept + timedelta(hours=r.lognormvariate(2.2, 0.8) * speed)
            close = resolve + timedelta(hours=r.lognormvariate(3.2, 0.6))
            level, due, n, status = t.owner_level, created + timedelta(hours=int(t.sla_hours)), 0, vocab.OPEN
            resolved_at = closed_at = cause = None
            if accept <= now:
                evts.append((t.ticket_id, accept, ACTORS[level], "assigned", "已受理"))
                status = vocab.IN_PROGRESS
            end = min(resolve, now)
            while due <= end and level != "hq":
                nxt = LEVELS[LEVELS.index(level) + 1]
                evts.append((t.ticket_id, due, "系统", "escalated",
                             f"超过 SLA（{t.sla_hours} 小时），由{LEVEL_LABELS[level]}升级至{LEVEL_LABELS[nxt]}"))
                level, due, n, status = nxt, due + timedelta(hours=int(t.sla_hours)), n + 1, vocab.ESCALATED
            if resolve <= now:
                cause = r.choice(causes)
                evts.append((t.ticket_id, resolve - timedelta(minutes=5), ACTORS[level], "root_cause", cause))
                evts.append((t.ticket_id, resolve, ACTORS[level], "resolved", r.choice(NOTES)))
                status, resolved_at = vocab.RESOLVED, resolve
                if close <= now:
                    evts.append((t.ticket_id, close, ACTORS[level], "closed", "已回访，关闭工单"))
                    status, closed_at = vocab.CLOSED, close
            if status != vocab.OPEN:
                updates.append((t.ticket_id, level, due, status, n, resolved_at, closed_at, cause))
        tickets.apply(cur, updates, evts)
    return len(updates)
