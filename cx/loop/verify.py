"""Before/after verification of improvement actions, with difference-in-differences against control stores.

Windows of equal length before and after the action date. Treated = the action's store (or its region's
stores); controls = stores with no action on that touchpoint (same region when the action is a store's,
the rest of the chain when it is a region's). Rates are negative-mention shares of the touchpoint.
DiD = (after − before)_treated − (after − before)_control, SE = √ of the four binomial variances.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from cx import db, metrics
from cx.filters import Filters


@dataclass
class Verification:
    before: metrics.Estimate
    after: metrics.Estimate
    change: metrics.Change
    control_before: metrics.Estimate
    control_after: metrics.Estimate
    did: float | None
    did_low: float | None
    did_high: float | None
    did_p: float
    nps_before: metrics.Estimate
    nps_after: metrics.Estimate
    nps_change: metrics.Change
    weekly: pd.DataFrame
    n_treated: int
    n_control: int


def actions(con, scope_stores: tuple[str, ...] | None = None) -> pd.DataFrame:
    return db.df(con, "loop/actions", {"scope_stores": None if scope_stores is None else list(scope_stores)})


def _text(v) -> str | None:
    return v if isinstance(v, str) and v else None


def verify(con, action: dict, window_days: int = 56, scope: Filters | None = None) -> Verification:
    start = pd.Timestamp(action["start_date"]).date()
    stores = db.df(con, "loop/stores_for_action", {"store_id": _text(action.get("store_id")),
                                                  "region": _text(action.get("region")) or _text(action.get("scope_region")),
                                                  "touchpoint": action["touchpoint"]})
    treated = stores[stores["treated"]]["store_id"].tolist()
    region = action.get("scope_region")
    pool = stores[~stores["treated"] & ~stores["acted"]]
    if _text(action.get("store_id")) and (pool["region"] == region).sum() >= 5:
        pool = pool[pool["region"] == region]
    control = pool["store_id"].tolist()
    f = Filters(start - timedelta(days=window_days), start + timedelta(days=window_days - 1),
                scope_stores=scope.scope_stores if scope else None)
    weekly = db.filtered_df(con, "loop/action_weekly", f, {"touchpoint": action["touchpoint"], "treated": treated,
                                                           "control": control or ["-"], "action_date": start})

    def agg(is_treated: bool, after: bool, cols):
        part = weekly[(weekly["treated"] == is_treated) & (weekly["after"] == after)]
        return [int(part[c].sum()) for c in cols]

    tb, ta = agg(True, False, ["negative", "mentions"]), agg(True, True, ["negative", "mentions"])
    cb, ca = agg(False, False, ["negative", "mentions"]), agg(False, True, ["negative", "mentions"])
    est = [metrics.rate(*x) for x in (tb, ta, cb, ca)]
    did = did_low = did_high = None
    did_p = 1.0
    if all(e.ok for e in est):
        did = (est[1].value - est[0].value) - (est[3].value - est[2].value)
        se = math.sqrt(sum(e.value * (1 - e.value) / e.n for e in est))
        if se > 0:
            did_low, did_high = did - metrics.Z95 * se, did + metrics.Z95 * se
            did_p = math.erfc(abs(did / se) / math.sqrt(2))
    nb = agg(True, False, ["promoters", "passives", "detractors"])
    na = agg(True, True, ["promoters", "passives", "detractors"])
    return Verification(est[0], est[1], metrics.rate_change(tuple(tb), tuple(ta)), est[2], est[3], did, did_low,
                        did_high, did_p, metrics.nps(*nb), metrics.nps(*na), metrics.nps_change(tuple(nb), tuple(na)),
                        weekly, len(treated), len(control))
