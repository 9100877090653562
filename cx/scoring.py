"""Store assessment (综合考核): indicator tree → shrunk leaf values → 0–100 composite, ranks with intervals.

Shrinkage (stated in the UI): each leaf is pulled towards its region's pooled value with a prior worth
``prior`` pseudo-observations: shrunk = (n·x + m·x_region) / (n + m). A store with 8 answers lands near its
region; one with 3 000 barely moves. Rank intervals come from simulating every leaf from its posterior
(normal approximation), renormalising and re-ranking ``simulations`` times (5th–95th percentile).
"""
from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cx import db, metrics, sample
from cx import settings
from cx.filters import Filters

INDICATORS_FILE = settings.config_file("indicators.yaml")
# metric → (kind, count columns, display scale)
METRICS = {
    "nps": ("nps", ("nps_p", "nps_d", "nps_n"), 1),
    "csat": ("rate", ("csat_k", "csat_n"), 100),
    "ces": ("rate", ("ces_k", "ces_n"), 100),
    "complaint_rate": ("rate", ("complaints", "n"), 1000),
    "repeat_complaint_rate": ("rate", ("repeaters", "complainers"), 100),
    "avg_rating": ("mean", ("rating_sum", "rating_sumsq", "rating_n"), 1),
    "negative_review_rate": ("rate", ("neg_reviews", "rating_n"), 100),
    "negative_opinion_rate": ("rate", ("neg_opinion", "n"), 1000),
    "sensitive_rate": ("rate", ("sensitive", "n"), 1000),
    "external_rating": ("mean", ("ext_sum", "ext_sumsq", "ext_n"), 1),
}
NORMALIZERS = ("percentile", "minmax", "zscore")


class SchemeError(ValueError):
    """indicators.yaml is unusable; the message says where and why, in Chinese."""


@dataclass(frozen=True)
class Leaf:
    id: str
    label: str
    group: str
    metric: str
    direction: str
    normalize: str
    weight: float
    prior: float
    min_n: int


@dataclass(frozen=True)
class Penalty:
    """Rank penalty for incidents (cx/incidents.py) overlapping the period: a store with an incident of one
    of ``severities`` has its composite capped so it ranks inside the bottom group (``rule: bottom_group``: at
    the middle of the lowest ``bottom_share`` of the other stores' composites, i.e. their bottom_share/2
    quantile) or at ``cap`` points (``rule: cap``). Rank intervals apply the same cap in every draw."""
    severities: tuple[str, ...] = ("high",)
    rule: str = "bottom_group"
    bottom_share: float = 0.1
    cap: float = 40.0

    def ceiling(self, others: np.ndarray, axis: int | None = None) -> np.ndarray | float:
        if self.rule == "cap" or others.size == 0:
            return self.cap
        return np.quantile(others, self.bottom_share / 2, axis=axis) - 0.01


@dataclass(frozen=True)
class Scheme:
    groups: tuple[tuple[str, str, float], ...]     # (id, label, weight)
    leaves: tuple[Leaf, ...]
    min_n: int = field(default_factory=lambda: sample.min_n("store"))
    simulations: int = 300
    penalty: Penalty | None = None

    def weights(self, overrides: dict[str, float] | None = None) -> np.ndarray:
        """Effective weight of each leaf (group share × leaf share within group); sums to 1."""
        o = overrides or {}
        gw = {g: float(o.get(g, w)) for g, _, w in self.groups}
        total_g = sum(gw.values()) or 1.0
        out = []
        for leaf in self.leaves:
            siblings = [x for x in self.leaves if x.group == leaf.group]
            lw = {x.id: float(o.get(x.id, x.weight)) for x in siblings}
            out.append(gw[leaf.group] / total_g * (lw[leaf.id] / (sum(lw.values()) or 1.0)))
        return np.array(out)

    def to_yaml(self, overrides: dict[str, float] | None = None) -> str:
        o = overrides or {}
        doc = {"min_n": self.min_n, "simulations": self.simulations}
        if self.penalty is not None:
            doc["incident_penalty"] = {"severities": list(self.penalty.severities), "rule": self.penalty.rule,
                                       "bottom_share": self.penalty.bottom_share, "cap": self.penalty.cap}
        doc |= {"groups": [
            {"id": g, "label": lab, "weight": float(o.get(g, w)), "leaves": [
                {"id": x.id, "label": x.label, "metric": x.metric, "direction": x.direction, "normalize": x.normalize,
                 "weight": float(o.get(x.id, x.weight)), "prior": x.prior, "min_n": x.min_n}
                for x in self.leaves if x.group == g]}
            for g, lab, w in self.groups]}
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def parse(doc: object, where: str = "indicators.yaml") -> Scheme:
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list) or not doc["groups"]:
        raise SchemeError(f"{where}：缺少 groups 列表（一级指标 → 二级指标）")
    groups, leaves, seen = [], [], set()
    for i, g in enumerate(doc["groups"], 1):
        if not isinstance(g, dict) or not g.get("id") or not g.get("label"):
            raise SchemeError(f"{where}：第 {i} 个一级指标缺少 id 或 label")
        w = _weight(g.get("weight"), f"一级指标“{g['label']}”", where)
        if not isinstance(g.get("leaves"), list) or not g["leaves"]:
            raise SchemeError(f"{where}：一级指标“{g['label']}”没有二级指标")
        groups.append((str(g["id"]), str(g["label"]), w))
        for j, x in enumerate(g["leaves"], 1):
            place = f"“{g['label']}”的第 {j} 个指标"
            if not isinstance(x, dict) or not x.get("id") or not x.get("label"):
                raise SchemeError(f"{where}：{place}缺少 id 或 label")
            if x["id"] in seen or x["id"] in {gg[0] for gg in groups[:-1]}:
                raise SchemeError(f"{where}：指标 id“{x['id']}”重复")
            seen.add(x["id"])
            if x.get("metric") not in METRICS:
                raise SchemeError(f"{where}：指标“{x['label']}”的 metric“{x.get('metric')}”未知，可选：{'、'.join(METRICS)}")
            if x.get("direction") not in ("higher", "lower"):
                raise SchemeError(f"{where}：指标“{x['label']}”的 direction 必须是 higher 或 lower")
            if x.get("normalize", "percentile") not in NORMALIZERS:
                raise SchemeError(f"{where}：指标“{x['label']}”的 normalize 必须是 {'、'.join(NORMALIZERS)} 之一")
            prior, min_n = x.get("prior", 0), x.get("min_n", 0)
            if not isinstance(prior, (int, float)) or prior < 0 or not isinstance(min_n, int) or min_n < 0:
                raise SchemeError(f"{where}：指标“{x['label']}”的 prior 和 min_n 必须是非负数")
            leaves.append(Leaf(str(x["id"]), str(x["label"]), str(g["id"]), x["metric"], x["direction"],
                               x.get("normalize", "percentile"), _weight(x.get("weight"), f"指标“{x['label']}”", where),
                               float(prior), int(min_n)))
    if sum(w for _, _, w in groups) <= 0:
        raise SchemeError(f"{where}：一级指标权重之和必须大于 0")
    return Scheme(tuple(groups), tuple(leaves), int(doc.get("min_n", sample.min_n("store"))), int(doc.get("simulations", 300)),
                  _penalty(doc.get("incident_penalty"), where))


def _penalty(doc, where: str) -> Penalty | None:
    if not doc:
        return None
    if not isinstance(doc, dict) or doc.get("rule", "bottom_group") not in ("bottom_group", "cap"):
        raise SchemeError(f"{where}：incident_penalty 的 rule 必须是 bottom_group 或 cap")
    sev = tuple(doc.get("severities", ("high",)))
    if not sev or any(x not in ("low", "medium", "high") for x in sev):
        raise SchemeError(f"{where}：incident_penalty 的 severities 只能包含 low/medium/high")
    share, cap = doc.get("bottom_share", 0.1), doc.get("cap", 40)
    if not isinstance(share, (int, float)) or not 0 < share < 1 or not isinstance(cap, (int, float)) or not 0 <= cap <= 100:
        raise SchemeError(f"{where}：incident_penalty 的 bottom_share 须在 0–1 之间，cap 须在 0–100 之间")
    return Penalty(sev, doc.get("rule", "bottom_group"), float(share), float(cap))


def _weight(value, what: str, where: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise SchemeError(f"{where}：{what}的 weight 必须是非负数，收到“{value}”")
    return float(value)


def load(path: Path | str = INDICATORS_FILE) -> Scheme:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemeError(f"找不到考核方案文件：{path}") from None
    except yaml.YAMLError as e:
        raise SchemeError(f"{Path(path).name} 不是有效的 YAML：{e}") from None
    return parse(doc, Path(path).name)


@functools.cache
def default() -> Scheme:
    return load()


# --- leaf values ------------------------------------------------------------------------------------------
def _raw(kind: str, cols: tuple[str, ...], df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, n, per-observation variance) from the count columns; value NaN where n == 0."""
    if kind == "nps":
        p, d, n = (df[c].to_numpy(float) for c in cols)
        with np.errstate(invalid="ignore", divide="ignore"):
            ps, ds = p / n, d / n
        return 100 * (ps - ds), n, 1e4 * (ps + ds - (ps - ds) ** 2)
    if kind == "rate":
        k, n = (df[c].to_numpy(float) for c in cols)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = k / n
        return v, n, v * (1 - v)
    s, ss, n = (df[c].to_numpy(float) for c in cols)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        var = np.maximum(ss / n - mean ** 2, 0)
    return mean, n, var


def _targets(kind: str, cols: tuple[str, ...], chain_sums: pd.DataFrame, region_sums: pd.DataFrame,
             codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shrinkage target per store: the pooled value and per-observation variance of its region (of the
    chain where the region has no observations or the store none)."""
    chain_v, chain_n, chain_var = _raw(kind, cols, chain_sums)
    cv, cvar = (chain_v[0], chain_var[0]) if chain_n[0] > 0 else (np.nan, np.nan)
    rv, rn, rvar = _raw(kind, cols, region_sums)
    has = codes >= 0
    ok = np.zeros(len(codes), bool)
    ok[has] = rn[codes[has]] > 0
    target = np.where(ok, rv[np.where(has, codes, 0)] if len(rv) else np.nan, cv)
    target_var = np.where(ok, rvar[np.where(has, codes, 0)] if len(rv) else np.nan, cvar)
    return target.astype(float), target_var.astype(float)


@dataclass
class Assessment:
    """Everything needed to (re)compute composites cheaply under other weights."""
    scheme: Scheme
    stores: pd.DataFrame                 # store_id, name, region, city, format, n, insufficient
    value: np.ndarray                    # stores × leaves, shrunk, in display units
    se: np.ndarray                       # posterior standard errors, display units
    raw_n: np.ndarray                    # observations behind each leaf
    norm: np.ndarray                     # 0–100, direction applied
    leaf_ids: list[str] = field(default_factory=list)
    incident: np.ndarray | None = None   # per store: an incident the scheme's penalty applies to (see Penalty)
    incident_notes: dict[str, str] = field(default_factory=dict)   # store_id → what happened (Chinese)


def leaves(con, filters: Filters, monthly: bool = False, extra: dict | None = None,
           cuts: tuple[date, ...] = ()) -> pd.DataFrame:
    """Indicator counts per store for the period — or, in one query, per store × calendar month of it
    (``monthly``) or per store × part of it split at ``cuts`` (month starts) — with a ``bucket`` column:
    the start of the period or part."""
    p = filters.params()
    bounds = [p["start"], *(datetime.combine(c, time.min) for c in cuts)]
    if monthly:
        m = pd.Timestamp(filters.start).to_period("M")
        while (m := m + 1).start_time < p["end"]:
            bounds.append(m.start_time.to_pydatetime())
    return db.filtered_df(con, "scoring/leaves", filters,
                          {"bucket_lo": bounds, "bucket_hi": bounds[1:] + [p["end"]], **(extra or {})})


def assess(con, filters: Filters, scheme: Scheme | None = None) -> Assessment:
    return _with_incidents(con, filters, _assess(leaves(con, filters), scheme or default()))


def _with_incidents(con, filters: Filters, a: Assessment) -> Assessment:
    """Mark the stores whose incidents in the period trigger the scheme's rank penalty."""
    if a.scheme.penalty is None or a.stores.empty:
        return a
    from cx import incidents

    inc = incidents.listing(con, filters.with_(regions=(), stores=(), formats=(), scope_stores=None))
    inc = inc[inc["severity"].isin(a.scheme.penalty.severities)]
    notes = {}
    for store, g in inc.groupby("store_id", sort=False):
        notes[store] = "；".join(dict.fromkeys(f"{r['what']}（{r['start_at']:%m-%d} 起）" for _, r in g.iterrows()))
    a.incident = a.stores["store_id"].isin(list(notes)).to_numpy()
    a.incident_notes = notes
    return a


def assess_pair(con, filters: Filters, scheme: Scheme | None = None) -> tuple[Assessment, Assessment]:
    """Assessments of the period and of the previous equal period — in one query when the period starts
    on the 1st (a cut inside a month the roll-ups answer whole would split it wrongly)."""
    scheme = scheme or default()
    prev = filters.previous()
    if filters.start.day != 1:
        return assess(con, filters, scheme), assess(con, prev, scheme)
    df = leaves(con, filters.with_(start=prev.start), cuts=(filters.start,))
    now = df["bucket"] >= pd.Timestamp(filters.start)
    return (_with_incidents(con, filters, _assess(df[now].reset_index(drop=True), scheme)),
            _with_incidents(con, prev, _assess(df[~now].reset_index(drop=True), scheme)))


def assess_months(con, filters: Filters, scheme: Scheme | None = None) -> dict[date, Assessment]:
    """One assessment per calendar month of the period (the first and last may be partial), from one query."""
    df = leaves(con, filters, monthly=True)
    out = {}
    for b, g in df.groupby("bucket", sort=True):
        month = filters.with_(start=max(filters.start, b.date()),
                              end=min(filters.end, (b + pd.offsets.MonthEnd(0)).date()))
        out[b.date()] = _with_incidents(con, month, _assess(g.reset_index(drop=True), scheme or default()))
    return out


def store_trend(months: dict[date, Assessment], store_id: str) -> pd.DataFrame:
    """A store's composite and n per month (from assess_months), compared each month with the whole chain."""
    rows = []
    for month, a in months.items():
        idx = np.flatnonzero(a.stores["store_id"].to_numpy() == store_id)
        if len(idx):
            rows.append({"month": pd.Timestamp(month).to_period("M").to_timestamp(),
                         "composite": float(composite(a)[idx[0]]), "n": int(a.stores["n"].iloc[idx[0]])})
    return pd.DataFrame(rows, columns=["month", "composite", "n"])


def _assess(df: pd.DataFrame, scheme: Scheme) -> Assessment:
    L, S = len(scheme.leaves), len(df)
    value, se, raw_n = np.zeros((S, L)), np.zeros((S, L)), np.zeros((S, L))
    codes, _ = pd.factorize(df["region"])
    all_cols = sorted({c for leaf in scheme.leaves for c in METRICS[leaf.metric][1]})
    region_sums = df[all_cols].groupby(codes).sum().reindex(range(codes.max() + 1 if S else 0), fill_value=0)
    chain_sums = df[all_cols].sum().to_frame().T
    for j, leaf in enumerate(scheme.leaves):
        kind, cols, scale = METRICS[leaf.metric]
        v, n, var = _raw(kind, cols, df)
        target, target_var = _targets(kind, cols, chain_sums, region_sums, codes)
        m = leaf.prior
        v0 = np.where(n > 0, v, 0.0)
        shrunk = np.where(n + m > 0, (n * v0 + m * target) / np.maximum(n + m, 1e-9), target)
        # Variance blended like the estimate: 3 of 3 satisfied has plug-in variance 0, which would make the
        # smallest store look the most certain.
        var_obs = (n * np.nan_to_num(var, nan=0.0) + m * np.nan_to_num(target_var, nan=0.0)) / np.maximum(n + m, 1e-9)
        post_se = np.sqrt(var_obs / np.maximum(n + m, 1.0))
        factor = 1 if kind != "rate" else scale
        value[:, j], se[:, j], raw_n[:, j] = shrunk * factor, post_se * factor, n
    value = np.nan_to_num(value, nan=np.nanmean(value) if np.isfinite(value).any() else 0.0)
    stores = df[["store_id", "name", "region", "city", "format", "n"]].copy()
    stores["insufficient"] = stores["n"] < scheme.min_n
    return Assessment(scheme, stores.reset_index(drop=True), value, se, raw_n, normalize(value, scheme),
                      [x.id for x in scheme.leaves])


def _ranks(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """0-based ranks along ``axis`` (ties by position), with one argsort and a scatter instead of two sorts."""
    order = x.argsort(axis=axis)
    ranks = np.empty_like(order)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    np.put_along_axis(ranks, order, np.arange(x.shape[axis]).reshape(shape), axis=axis)
    return ranks


def _normalize_leaf(x: np.ndarray, leaf: Leaf, axis: int = 0) -> np.ndarray:
    """0–100 of one leaf's values across the stores (``axis``), 100 = best."""
    x = x if leaf.direction == "higher" else -x
    S = x.shape[axis]
    if leaf.normalize == "percentile":
        return 100.0 * _ranks(x, axis) / max(S - 1, 1)
    if leaf.normalize == "minmax":
        lo, hi = x.min(axis=axis, keepdims=True), x.max(axis=axis, keepdims=True)
        return np.where(hi > lo, 100.0 * (x - lo) / np.where(hi > lo, hi - lo, 1), 50.0)
    mu, sd = x.mean(axis=axis, keepdims=True), x.std(axis=axis, keepdims=True)
    z = np.where(sd > 0, (x - mu) / np.where(sd > 0, sd, 1), 0.0)
    return 50.0 + 50.0 * np.clip(z, -3, 3) / 3


def normalize(values: np.ndarray, scheme: Scheme) -> np.ndarray:
    """0–100 per leaf across the stores (axis 0), 100 = best, for a stores × leaves matrix."""
    out = np.empty(values.shape, dtype=np.result_type(values.dtype, np.float32))
    for j, leaf in enumerate(scheme.leaves):
        out[:, j] = _normalize_leaf(values[:, j], leaf)
    return out


def composite(a: Assessment, overrides: dict[str, float] | None = None) -> np.ndarray:
    """0–100 composite per store, after the incident penalty (``Scheme.penalty``) where it applies."""
    return _penalise(a, a.norm @ a.scheme.weights(overrides))


def _penalise(a: Assessment, comp: np.ndarray) -> np.ndarray:
    """Cap the composites (stores on the last axis; draws on the first, if any) of stores with an incident."""
    if a.scheme.penalty is None or a.incident is None or not a.incident.any():
        return comp
    hit = a.incident
    ranked = ~hit & ~a.stores["insufficient"].to_numpy()      # the bottom group of the ranked stores
    others = comp[..., ranked if ranked.any() else ~hit]
    ceiling = a.scheme.penalty.ceiling(others, axis=-1 if comp.ndim > 1 else None)
    ceiling = np.asarray(ceiling, dtype=comp.dtype)
    out = comp.copy()
    out[..., hit] = np.minimum(comp[..., hit], ceiling[..., None] if ceiling.ndim else ceiling)
    return out


def contributions(a: Assessment, overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """Points each leaf adds to each store's composite (rows sum to the composite); with an incident
    penalty in effect, a column ``incident_penalty`` holds the (negative) points it took."""
    df = pd.DataFrame(a.norm * a.scheme.weights(overrides), columns=a.leaf_ids, index=a.stores["store_id"])
    if a.incident is not None and a.incident.any():
        df["incident_penalty"] = composite(a, overrides) - df.sum(axis=1).to_numpy()
    return df


def group_scores(a: Assessment, overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """0–100 score of each first-level indicator (weighted mean of its leaves)."""
    o = overrides or {}
    out = {}
    for g, label, _ in a.scheme.groups:
        idx = [j for j, x in enumerate(a.scheme.leaves) if x.group == g]
        w = np.array([float(o.get(a.scheme.leaves[j].id, a.scheme.leaves[j].weight)) for j in idx])
        out[label] = a.norm[:, idx] @ (w / (w.sum() or 1.0))
    return pd.DataFrame(out, index=a.stores["store_id"])


def simulate_ranks(a: Assessment, overrides: dict[str, float] | None = None, draws: int | None = None,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """5th and 95th percentile of each store's rank over posterior draws of all leaves."""
    S = len(a.stores)
    if S == 0:
        return np.zeros(0), np.zeros(0)
    D = draws or a.scheme.simulations
    w = a.scheme.weights(overrides)

    def leaf_points(j: int) -> np.ndarray:
        # draws × stores, stores on the contiguous axis (sorting along it is ~3× faster than across rows);
        # float32 halves the memory traffic and ranks need no more precision; one generator per leaf keeps
        # the result independent of thread timing
        rng = np.random.default_rng([seed, j])
        sims = a.value[:, j].astype(np.float32) + a.se[:, j].astype(np.float32) * rng.standard_normal((D, S), dtype=np.float32)
        return np.float32(w[j]) * _normalize_leaf(sims, a.scheme.leaves[j], axis=1).astype(np.float32)

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:   # numpy sorts release the GIL
        comp = _penalise(a, sum(pool.map(leaf_points, range(len(a.scheme.leaves)))))
    # stores with too small a sample take no rank: they sort last in every draw and get no interval
    small = a.stores["insufficient"].to_numpy()
    comp[:, small] = -np.inf
    ranks = _ranks(-comp, axis=1) + 1
    lo, hi = np.percentile(ranks, 5, axis=0).round(), np.percentile(ranks, 95, axis=0).round()
    lo[small], hi[small] = np.nan, np.nan
    return lo, hi


def league(a: Assessment, overrides: dict[str, float] | None = None, simulate: bool = True) -> pd.DataFrame:
    """The league table: composite, rank (1 = best), rank interval, n, flag, first-level scores.

    Small-sample policy (cx/sample.py): a store flagged ``insufficient`` keeps its (shrunk) composite but has
    no rank number and no interval (NA) and sorts after the ranked stores, which are ranked among themselves."""
    df = a.stores.copy()
    df["composite"] = composite(a, overrides)
    df["rank"] = df["composite"].where(~df["insufficient"]).rank(ascending=False, method="min").astype("Int64")
    if simulate:
        lo, hi = simulate_ranks(a, overrides)
        df["rank_low"], df["rank_high"] = pd.array(lo, dtype="Int64"), pd.array(hi, dtype="Int64")
    df = df.join(group_scores(a, overrides).reset_index(drop=True))
    df["incident"] = df["store_id"].map(a.incident_notes) if a.incident is not None else None
    return df.sort_values(["rank", "store_id"]).reset_index(drop=True)


def rank_table(now: Assessment, before: Assessment, overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """The league of ``now`` with rank movement against the league of ``before`` (rank_change > 0 = up)."""
    table = league(now, overrides)
    prev = league(before, overrides, simulate=False)
    table = table.merge(prev[["store_id", "rank"]].rename(columns={"rank": "prev_rank"}), on="store_id", how="left")
    table["rank_change"] = table["prev_rank"] - table["rank"]
    return table


def rank_stores(con, start: date, end: date, filters: Filters | None = None, scheme: Scheme | None = None,
                overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """Public entry point: league table for [start, end] with rank movement vs the previous equal period.

    Columns include store_id, composite (0–100), rank (1 = best), rank_low, rank_high, n, insufficient.
    """
    f = (filters or Filters(start, end)).with_(start=start, end=end)
    return rank_table(*assess_pair(con, f, scheme), overrides)


def visible(table: pd.DataFrame, scope: tuple[str, ...] | None) -> pd.DataFrame:
    """Rows a scoped user may see. Ranks are computed chain-wide (a fair comparison) and kept; the other
    stores' rows are removed, so peers stay anonymous (region roll-ups are aggregates)."""
    return table if scope is None else table[table["store_id"].isin(scope)].reset_index(drop=True)


def strengths_weaknesses(a: Assessment, store_id: str, top: int = 3, extra: pd.DataFrame | None = None,
                         verdicts: pd.DataFrame | None = None, min_sd: float = 1.0) -> dict:
    """短板/长板: indicators at least ``min_sd`` standard deviations below/above the store's region peers (only
    with enough observations behind the store's value, see data/small_sample.yaml), and — from
    ``touchpoint_verdicts`` — touchpoints significantly worse/better than the chain. Each item has a sentence
    a manager can read, saying how strong the evidence is. An item is never in both lists. A store below the
    small-sample minimum gets no verdict at all."""
    idx = a.stores.index[a.stores["store_id"] == store_id]
    if len(idx) == 0:
        return {"weak": [], "strong": []}
    i = int(idx[0])
    if a.stores.at[i, "insufficient"]:
        return {"weak": [], "strong": [], "insufficient": True}
    peers = (a.stores["region"] == a.stores.at[i, "region"]).to_numpy()
    items = []
    cols = [(x.label, x.direction, a.value[:, j]) for j, x in enumerate(a.scheme.leaves)]
    if extra is not None:
        ex = extra.reindex(a.stores["store_id"])
        cols += [(c, "lower", ex[c].to_numpy(float)) for c in ex.columns]
    enough = [a.raw_n[i, j] >= x.min_n for j, x in enumerate(a.scheme.leaves)] + [True] * (len(cols) - len(a.scheme.leaves))
    for (label, direction, v), ok in zip(cols, enough):
        pv = v[peers & ~np.isnan(v)]
        if not ok or len(pv) < 3 or np.isnan(v[i]) or pv.std() == 0:
            continue
        z = (v[i] - pv.mean()) / pv.std()
        good = z if direction == "higher" else -z
        word = "高于" if z > 0 else "低于"
        strength = "差距很大" if abs(z) >= 2 else "差距明显"
        items.append({"label": label, "z": float(good),
                      "sentence": f"{label}{word}同区域门店 {abs(z):.1f} 个标准差（{strength}）"})
    weak = [r for r in sorted(items, key=lambda r: r["z"]) if r["z"] <= -min_sd]
    strong = [r for r in sorted(items, key=lambda r: -r["z"]) if r["z"] >= min_sd]
    if verdicts is not None and len(verdicts):
        tp_items = {"长板": [], "短板": []}
        for r in verdicts[verdicts["verdict"].notna()].itertuples():      # most significant first
            tp_items[r.verdict].append({
                "label": r.label, "z": float("inf") if r.verdict == "长板" else float("-inf"), "touchpoint": r.touchpoint,
                "sentence": f"{r.label}：净好评 {100 * r.net:+.0f}%，全连锁其他门店 {100 * r.chain_net:+.0f}%"
                            f"（差 {r.diff:+.0f} 个百分点，{metrics.format_p(r.p_value)}，{r.evidence}，n = {r.n}）"})
        weak, strong = tp_items["短板"] + weak, tp_items["长板"] + strong
    return {"weak": weak[:top], "strong": strong[:top]}


def evidence_words(p: float) -> str:
    """How strong a significant difference's evidence is, in words for managers."""
    return "证据很强" if p < 0.001 else "证据较强" if p < 0.01 else "证据一般"


def touchpoint_verdicts(con, filters: Filters, store_id: str, alpha: float = 0.05) -> pd.DataFrame:
    """长板/短板 per touchpoint for one store, by one rule: the store's net sentiment on the touchpoint
    (share of mentions only positive − share negative) against the rest of the chain's, z-test on the
    difference with the NPS-style SE of a net share (cx.metrics.nps_change), significant at ``alpha``. A
    touchpoint is 长板 (better), 短板 (worse) or neither — never both. Mentions below the small-sample
    minimum (data/small_sample.yaml, cell) get no verdict.

    Columns: touchpoint, label, n, net (−1..1), chain_net, diff (points), p_value, verdict, evidence."""
    from cx import metrics
    from cx.text.taxonomy import default as taxonomy

    cols = ["touchpoint", "label", "n", "net", "chain_net", "diff", "p_value", "verdict", "evidence"]
    df = db.filtered_df(con, "scoring/touchpoints", filters.with_(stores=(), scope_stores=None))
    tax = taxonomy()
    df = df[df["touchpoint"].isin(list(tax.by_id))]
    mine = df[df["store_id"] == store_id].set_index("touchpoint")
    rest = df[df["store_id"] != store_id].groupby("touchpoint")[["n", "negative", "positive"]].sum()
    rows = []
    for tp, r in mine.iterrows():
        n, neg, pos = int(r["n"]), int(r["negative"]), int(r["positive"])
        c = rest.loc[tp] if tp in rest.index else None
        cn, cneg, cpos = (int(c["n"]), int(c["negative"]), int(c["positive"])) if c is not None else (0, 0, 0)
        change = metrics.nps_change((cpos, cn - cpos - cneg, cneg), (pos, n - pos - neg, neg), alpha)
        verdict = None
        if not sample.small(n, "cell") and cn > 0 and change.significant:
            verdict = "长板" if change.direction > 0 else "短板"
        rows.append({"touchpoint": tp, "label": tax.label(tp), "n": n, "net": (pos - neg) / n if n else None,
                     "chain_net": (cpos - cneg) / cn if cn else None, "diff": change.diff, "p_value": change.p_value,
                     "verdict": verdict, "evidence": evidence_words(change.p_value) if verdict else None})
    return pd.DataFrame(rows, columns=cols).sort_values("p_value").reset_index(drop=True)


def touchpoint_rates(con, filters: Filters, prior: float = 10.0) -> pd.DataFrame:
    """Store × "<touchpoint>负面率" (%, shrunk towards the chain rate with ``prior`` pseudo-mentions)."""
    from cx.text.taxonomy import default as taxonomy

    df = db.filtered_df(con, "scoring/touchpoints", filters)
    if df.empty:
        return pd.DataFrame()
    tax = taxonomy()
    df = df[df["touchpoint"].isin(list(tax.by_id))]
    chain = df.groupby("touchpoint")[["negative", "n"]].sum()
    p0 = (chain["negative"] / chain["n"]).to_dict()
    df = df.assign(rate=100 * (df["negative"] + prior * df["touchpoint"].map(p0)) / (df["n"] + prior),
                   col=df["touchpoint"].map(lambda t: tax.label(t) + "负面率"))
    return df.pivot(index="store_id", columns="col", values="rate")
