"""Incidents: volume spikes per store × touchpoint and per store × sensitive-word class.

A food-safety complaint is almost always negative, so a *rate* cannot show a food-safety incident; its
*count* can. For every store × touchpoint (items with a negative mention of it) and store × sensitive class
(items with a hit of it) and every day t, the count X in a window of w days ending at t (w in ``windows``)
is compared with the store's own baseline — the ``baseline_days`` before the window:

* Exposure: each store-day gets a weight e = (the store's weekday profile, shrunk towards the chain's) ×
  (the chain's day effect — holidays, growth — when there are enough stores), counted from the store's
  first feedback. E_w and E_b are the exposures of the window and the baseline.
* Model (Poisson–gamma, i.e. negative binomial): the cell's daily rate λ has a gamma prior fitted across
  the chain's stores for the same touchpoint (method of moments, worth at most ``prior_days`` of history),
  updated by the baseline count Y: λ | Y ~ Gamma(α + Y, β + E_b). The window count's predictive law is
  then negative binomial NB(α + Y, (β + E_b) / (β + E_b + E_w)); the p-value is P(X' ≥ X) from
  ``scipy.stats.nbinom``. Source: the Poisson–gamma empirical-Bayes model of Clayton & Kaldor (1987),
  Biometrics 43:671; the predictive NB is standard (Gelman et al., BDA3 §2.7).
* Multiplicity: Benjamini–Hochberg (``scipy.stats.false_discovery_control``) over the cells × windows of
  each day, at level ``fdr / fdr_horizon_days`` (a year of daily runs shares one error budget); touchpoint
  cells and sensitive-class cells are separate families, so sensitive hits open an incident on their own.
  A window also needs ≥ ``min_count`` items and ≥ ``min_ratio`` × its expected count.
* Episodes: flagged days of one cell less than ``quiet_days`` apart are one incident, from the first day
  with more items than expected to the last; it has subsided (``end_at`` set) once ``quiet_days`` pass
  without a flagged window.

``refresh(con, start, end)`` recomputes the incidents a change of feedback in [start, end) can affect and
must run inside the writer's transaction after the roll-ups are refreshed (import, demo).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import yaml
from scipy import stats

from cx import db
from cx import settings, vocab

CONFIG_FILE = settings.config_file("incidents.yaml")
KINDS = ("touchpoint", "sensitive")
STATUS_OPEN, STATUS_DONE = vocab.INCIDENT_ACTIVE, vocab.INCIDENT_SUBSIDED      # codes; labels in cx.vocab
SEVERITY_LABELS = vocab.SEVERITY_LABELS
COLUMNS = ["incident_id", "store_id", "kind", "key", "severity", "start_at", "end_at", "first_flagged",
           "last_flagged", "observed", "expected", "peak_window_days", "peak_end", "peak_observed",
           "peak_expected", "p_value", "q_value", "feedback_ids", "ticket_id", "status", "method", "updated_at"]


class ConfigError(ValueError):
    """incidents.yaml is unusable (message in Chinese)."""


@dataclass(frozen=True)
class Config:
    method: str = "负二项预测检验（泊松-伽马，按星期季节性）+ Benjamini–Hochberg 校正"
    windows: tuple[int, ...] = (1, 7, 14)
    baseline_days: int = 84
    min_history_days: int = 28
    prior_days: int = 28
    fdr: float = 0.05
    fdr_horizon_days: int = 365
    min_count: int = 3
    min_ratio: float = 2.0
    quiet_days: int = 7
    chain_day_effect_min_stores: int = 20
    touchpoints: tuple[str, ...] | None = None       # None = all
    sensitive_classes: tuple[str, ...] = ("food_safety", "public_threat", "safety")
    safety_critical: tuple[str, ...] = ("food_safety", "hygiene")
    severity: tuple[tuple[str, str], ...] = ()
    verbatims: int = 5

    @property
    def level(self) -> float:
        """The per-day BH level."""
        return self.fdr / self.fdr_horizon_days

    @property
    def history(self) -> int:
        """Days of data one tested day needs before it (its longest window and the baseline)."""
        return max(self.windows) + self.baseline_days

    def severity_of(self, key: str) -> str:
        return dict(self.severity).get(key, "medium")


def parse(doc: object, where: str = "incidents.yaml") -> Config:
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}：内容必须是键值表")
    d = Config()
    try:
        windows = tuple(sorted({int(w) for w in doc.get("windows", d.windows)}))
        ints = {k: int(doc.get(k, getattr(d, k))) for k in
                ("baseline_days", "min_history_days", "prior_days", "fdr_horizon_days", "min_count", "quiet_days",
                 "chain_day_effect_min_stores", "verbatims")}
        fdr, ratio = float(doc.get("fdr", d.fdr)), float(doc.get("min_ratio", d.min_ratio))
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}：数值设置无效（{e}）") from None
    if not windows or windows[0] < 1 or windows[-1] > 60:
        raise ConfigError(f"{where}：windows 必须是 1–60 天的列表")
    if not 0 < fdr < 1:
        raise ConfigError(f"{where}：fdr 必须在 0 与 1 之间")
    if ints["baseline_days"] < 14 or ints["min_history_days"] > ints["baseline_days"]:
        raise ConfigError(f"{where}：baseline_days 至少 14 天，且不小于 min_history_days")
    if any(ints[k] < 1 for k in ("fdr_horizon_days", "min_count", "quiet_days")) or ratio < 1:
        raise ConfigError(f"{where}：fdr_horizon_days、min_count、quiet_days 至少为 1，min_ratio 至少为 1")
    tps = doc.get("touchpoints", "all")
    sev = doc.get("severity") or {}
    if not isinstance(sev, dict) or any(v not in SEVERITY_LABELS for v in sev.values()):
        raise ConfigError(f"{where}：severity 的取值必须是 low/medium/high")
    return Config(method=str(doc.get("method", d.method)), windows=windows, fdr=fdr, min_ratio=ratio,
                  touchpoints=None if tps in (None, "all") else tuple(tps),
                  sensitive_classes=tuple(doc.get("sensitive_classes", d.sensitive_classes) or ()),
                  safety_critical=tuple(doc.get("safety_critical", d.safety_critical) or ()),
                  severity=tuple(sorted(sev.items())), **ints)


def load(path: Path | str = CONFIG_FILE) -> Config:
    try:
        return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")), Path(path).name)
    except yaml.YAMLError as e:
        raise ConfigError(f"{Path(path).name} 不是有效的 YAML：{e}") from None


@functools.cache
def default() -> Config:
    return load()


# --- detection on counts (pure numpy; no database) ---------------------------------------------------

@dataclass
class Flags:
    """Result of ``detect``: one row per flagged (cell, day) — the day's most significant window."""
    frame: pd.DataFrame      # store_id kind key day window observed expected p_value q_value
    daily: pd.DataFrame      # store_id kind key day n expected_daily (only cells with a flag; for episodes)


def _exposure(totals: pd.DataFrame, S: int, days: pd.DatetimeIndex, cfg: Config) -> np.ndarray:
    """Store × day exposure weights (mean 1 over an active store's days); ``totals`` coded (s, d, n, first_d)."""
    D = len(days)
    vol = np.zeros((S, D))
    first = np.full(S, D, dtype=np.int64)
    ok = (totals["s"] >= 0) & (totals["d"] >= 0) & (totals["d"] < D)
    t = totals[ok]
    if len(t):
        si, di = t["s"].to_numpy(), t["d"].to_numpy()
        vol = np.bincount(si * D + di, weights=t["n"].to_numpy(float), minlength=S * D).reshape(S, D)
        # exposure starts at the store's first feedback: at the first day seen in the loaded range, unless
        # the store already had feedback in an earlier month (then at the range start)
        seen = np.where(vol > 0, np.arange(D)[None, :], D).min(axis=1)
        fd = np.full(S, D, dtype=np.int64)
        np.minimum.at(fd, si, t["first_d"].to_numpy().astype(np.int64))
        first = np.where(fd < 0, 0, seen)
    active = np.arange(D)[None, :] >= first[:, None]
    wd = days.day_of_week.to_numpy()
    # weekday profile: the store's volume by weekday shrunk towards the chain's (70 pseudo-items)
    onehot = (wd[None, :] == np.arange(7)[:, None]).astype(float)            # 7 × D
    store_wd = (vol * active) @ onehot.T                                      # S × 7
    store_days = active.astype(float) @ onehot.T                              # active days per weekday
    chain_wd = store_wd.sum(0) / np.maximum(store_days.sum(0), 1)
    chain_wd = chain_wd / chain_wd.mean() if chain_wd.mean() > 0 else np.ones(7)
    per_day = store_wd / np.maximum(store_days, 1)                            # mean volume per weekday
    level = per_day.mean(1, keepdims=True)
    m = 70.0
    n_s = store_wd.sum(1, keepdims=True)
    prof = (n_s * np.where(level > 0, per_day / np.maximum(level, 1e-12), 1) + m * chain_wd) / (n_s + m)
    prof = prof / prof.mean(1, keepdims=True)
    e = prof[:, wd] * active
    if S >= cfg.chain_day_effect_min_stores:
        chain = (vol * active).sum(0)
        expect = chain_wd[wd] * active.sum(0)
        h = np.where(expect > 0, chain / np.maximum(expect, 1e-12), 1.0)
        norm = h[active.any(0)].mean() if active.any() else 1.0
        h = np.clip(h / (norm or 1.0), 0.25, 4.0)
        e = e * h[None, :]
    return e


def detect(counts: pd.DataFrame, totals: pd.DataFrame, first_day: date, last_day: date,
           cfg: Config | None = None) -> Flags:
    """Flag (cell, day) pairs for days in [first_day, last_day].

    ``counts``: store_id, kind, key, day, n — items per cell and day (days from first_day − cfg.history on).
    ``totals``: store_id, day, n, first_day — all feedback per store and day (the exposure), first_day being
    the store's first feedback month. Returns ``Flags``; p-values from ``scipy.stats.nbinom`` and BH from
    ``scipy.stats.false_discovery_control`` (see the module docstring for the model)."""
    cfg = cfg or default()
    lo = pd.Timestamp(first_day) - pd.Timedelta(days=cfg.history)
    stores = pd.Index(np.union1d(totals["store_id"].unique().astype(str), counts["store_id"].unique().astype(str)))
    keys = {kind: sorted(counts.loc[counts["kind"] == kind, "key"].unique()) for kind in KINDS}
    coded = pd.DataFrame({
        "s": stores.get_indexer(counts["store_id"]),
        "kind": pd.Index(KINDS).get_indexer(counts["kind"]),
        "k": [keys[kind].index(k) for kind, k in zip(counts["kind"], counts["key"])] if len(counts) else [],
        "d": (pd.to_datetime(counts["day"]) - lo).dt.days.to_numpy(), "n": counts["n"].to_numpy()})
    tot = pd.DataFrame({"s": stores.get_indexer(totals["store_id"]), "d": (pd.to_datetime(totals["day"]) - lo).dt.days,
                        "n": totals["n"].to_numpy(),
                        "first_d": (pd.to_datetime(totals["first_day"]) - lo).dt.days})
    return _detect(coded, tot, list(stores), keys, first_day, last_day, cfg)


def _empty_flags() -> Flags:
    return Flags(pd.DataFrame(columns=["store_id", "kind", "key", "day", "window", "observed", "expected",
                                       "p_value", "q_value"]),
                 pd.DataFrame(columns=["store_id", "kind", "key", "day", "n", "expected_daily"]))


def _detect(counts: pd.DataFrame, totals: pd.DataFrame, stores: list[str], keys: dict[str, list[str]],
            first_day: date, last_day: date, cfg: Config, loaded_from: date | None = None) -> Flags:
    """``detect`` on integer codes: counts (s, kind, k, d, n) and totals (s, d, n, first_d), where s indexes
    ``stores``, kind ``KINDS``, k ``keys[kind]`` and d the day from ``loaded_from`` (default first_day −
    cfg.history; earlier when the data were loaded for a block that starts before first_day)."""
    lo = pd.Timestamp(loaded_from) if loaded_from is not None else pd.Timestamp(first_day) - pd.Timedelta(days=cfg.history)
    days = pd.date_range(lo, pd.Timestamp(last_day), freq="D")
    D, S = len(days), len(stores)
    if counts.empty or S == 0:
        return _empty_flags()
    e = _exposure(totals, S, days, cfg)                                         # S × D
    ce = np.concatenate([np.zeros((S, 1)), np.cumsum(e, axis=1)], axis=1)
    t0 = D - ((pd.Timestamp(last_day) - pd.Timestamp(first_day)).days + 1)     # first tested day index
    T = np.arange(t0, D)
    a_b0 = np.maximum(T - cfg.baseline_days, 0)
    eligible_store = (ce[:, T] - ce[:, a_b0]) >= cfg.min_history_days        # S × T
    frames, dailies = [], []
    for kind_i, kind in enumerate(KINDS):
        part = counts[(counts["kind"] == kind_i) & (counts["d"] >= 0) & (counts["d"] < D)]
        K = len(keys.get(kind, []))
        if part.empty or K == 0:
            continue
        # dense store × key cells (every store is a cell for every key: zeros count towards the chain prior
        # and the family size)
        cell = part["s"].to_numpy() * K + part["k"].to_numpy()
        C = np.bincount(cell * D + part["d"].to_numpy(), weights=part["n"].to_numpy(float),
                        minlength=S * K * D).reshape(S * K, D).astype(np.int32)
        cs = np.zeros((S * K, D + 1), dtype=np.int32)
        np.cumsum(C, axis=1, out=cs[:, 1:])
        srow = np.repeat(np.arange(S), K)
        best_p = np.ones((S * K, len(T)))
        best = {}
        fam_p = []
        for w in cfg.windows:
            a_w, b_w = T - w + 1, T + 1                       # window [a_w, b_w) in cumsum coordinates
            a_b = np.maximum(a_w - cfg.baseline_days, 0)
            X = (cs[:, b_w] - cs[:, a_w]).astype(float)
            Y = (cs[:, a_w] - cs[:, a_b]).astype(float)
            Ew_s = ce[:, b_w] - ce[:, a_w]                    # S × T
            Eb_s = ce[:, a_w] - ce[:, a_b]
            Ew, Eb = Ew_s[srow], Eb_s[srow]
            # chain prior per key and day (method of moments over the stores with enough history)
            tested = Eb_s >= cfg.min_history_days
            E = np.where(tested, Eb_s, 0.0)[:, None, :]                       # S × 1 × T
            Ys = np.where(tested[:, None, :], Y.reshape(S, K, len(T)), 0.0)   # S × K × T
            sumE, sumY = E.sum(0), Ys.sum(0)                                  # 1 × T, K × T
            mean = np.where(sumE > 0, sumY / np.maximum(sumE, 1e-12), 0.0)
            mean = np.maximum(mean, 0.5 / np.maximum(sumE, 1.0))
            r = np.where(E > 0, Ys / np.maximum(E, 1e-12), 0.0)
            k = tested.sum(0)[None, :]
            num = (E * (r - mean[None]) ** 2).sum(0) - np.maximum(k - 1, 0) * mean
            den = sumE - (E ** 2).sum(0) / np.maximum(sumE, 1e-12)
            var = np.where(den > 0, num / np.maximum(den, 1e-12), 0.0)
            b = np.minimum(np.where(var > 0, mean / np.maximum(var, 1e-300), np.inf), cfg.prior_days)  # K × T
            beta = np.broadcast_to(b[None], (S, K, len(T))).reshape(S * K, len(T))
            alpha = np.broadcast_to((mean * b)[None], (S, K, len(T))).reshape(S * K, len(T))
            r_ = alpha + Y
            prob = (beta + Eb) / (beta + Eb + Ew)
            expected = np.where(prob > 0, r_ * (1 - prob) / np.maximum(prob, 1e-12), 0.0)
            ok = (Eb >= cfg.min_history_days) & (X >= cfg.min_count) & (X >= cfg.min_ratio * expected)
            p = np.ones_like(X)
            if ok.any():
                p[ok] = stats.nbinom.sf(X[ok] - 1, r_[ok], prob[ok])
            fam_p.append(p)
            better = p < best_p
            best_p = np.where(better, p, best_p)
            for name, v in (("window", np.full_like(X, w)), ("observed", X), ("expected", expected)):
                best[name] = np.where(better, v, best.get(name, v))
            if w == max(cfg.windows):
                # the expected daily count (posterior mean rate × the day's exposure) for episode bounds, from
                # the baseline of the longest window (the one least contaminated by the incident itself)
                best["daily_rate"] = r_ / np.maximum(beta + Eb, 1e-12)
        # BH per day over the store × key cells with enough history and every window (untested cells have
        # p = 1 and still count in m)
        # (BH on the tested p-values alone, rescaled by m / m': the untested p = 1 rank last and do not change
        # the adjusted values of the others)
        q_best = np.ones_like(best_p)
        P = np.stack(fam_p)                                            # windows × cells × days
        m_day = eligible_store.sum(0) * K * len(cfg.windows)
        for j in np.flatnonzero((P < 1).any(axis=(0, 1))):
            wi, ci = np.nonzero(P[:, :, j] < 1)
            q = np.minimum(stats.false_discovery_control(P[wi, ci, j]) * m_day[j] / len(ci), 1.0)
            np.minimum.at(q_best[:, j], ci, q)
        flagged = q_best <= cfg.level
        if not flagged.any():
            continue
        fi, fj = np.nonzero(flagged)
        sid = np.asarray(stores, dtype=object)
        karr = np.asarray(keys[kind], dtype=object)
        frames.append(pd.DataFrame({
            "store_id": sid[fi // K], "kind": kind, "key": karr[fi % K],
            "day": days[T[fj]].date, "window": best["window"][fi, fj].astype(int),
            "observed": best["observed"][fi, fj].astype(int), "expected": best["expected"][fi, fj],
            "p_value": best_p[fi, fj], "q_value": q_best[fi, fj]}))
        # daily counts and expectations of the flagged cells (for start/end of episodes): the baseline rate at
        # the first flag is the expectation for the whole episode
        for i in np.unique(fi):
            j0 = np.flatnonzero(flagged[i])[0]
            dailies.append(pd.DataFrame({
                "store_id": sid[i // K], "kind": kind, "key": karr[i % K],
                "day": days.date, "n": C[i], "expected_daily": best["daily_rate"][i, j0] * e[i // K]}))
    if not frames:
        return _empty_flags()
    return Flags(pd.concat(frames, ignore_index=True), pd.concat(dailies, ignore_index=True))


def episodes(flags: Flags, last_day: date, cfg: Config | None = None) -> pd.DataFrame:
    """Group flagged days of one cell into incidents (COLUMNS minus evidence filled by ``refresh``)."""
    cfg = cfg or default()
    out = []
    if flags.frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    daily = {k: g for k, g in flags.daily.groupby(["store_id", "kind", "key"], sort=False)}
    for (store, kind, key), g in flags.frame.sort_values("day").groupby(["store_id", "kind", "key"], sort=False):
        fdays = pd.to_datetime(g["day"]).to_numpy()
        breaks = np.flatnonzero(np.diff(fdays).astype("timedelta64[D]").astype(int) > cfg.quiet_days) + 1
        d = daily[(store, kind, key)]
        dd = pd.to_datetime(d["day"]).to_numpy()
        for part in np.split(np.arange(len(g)), breaks):
            ep = g.iloc[part]
            f0, f1 = pd.Timestamp(ep["day"].iloc[0]), pd.Timestamp(ep["day"].iloc[-1])
            done = (pd.Timestamp(last_day) - f1).days > cfg.quiet_days
            span1 = f1 if done else pd.Timestamp(last_day)
            # bounds: the change points that maximise the Poisson log-likelihood ratio of "raised rate" over
            # [start, end] (the scan-statistic estimate): start within the four weeks up to the first flag,
            # end between start and the last flag (or the last day while it is ongoing)
            n_d, e_d = d["n"].to_numpy(float), np.maximum(d["expected_daily"].to_numpy(float), 1e-6)
            start_i = _best_start(n_d, e_d, dd, f0 - pd.Timedelta(days=27), f0)
            start = pd.Timestamp(dd[start_i])
            end_i = _best_end(n_d, e_d, dd, start_i, f1 if done else span1)
            end = pd.Timestamp(dd[end_i])
            upto = (dd >= start.to_datetime64()) & (dd <= (end if done else span1).to_datetime64())
            peak = ep.loc[ep["p_value"].idxmin()]
            iid = _stable("incident", store, kind, key, f"{f0:%Y-%m-%d}")
            out.append({
                "incident_id": iid, "store_id": store, "kind": kind, "key": key, "severity": cfg.severity_of(key),
                "start_at": start.date(), "end_at": end.date() if done else None,
                "first_flagged": f0.date(), "last_flagged": f1.date(),
                "observed": int(d["n"].to_numpy()[upto].sum()), "expected": float(d["expected_daily"].to_numpy()[upto].sum()),
                "peak_window_days": int(peak["window"]), "peak_end": pd.Timestamp(peak["day"]).date(),
                "peak_observed": int(peak["observed"]), "peak_expected": float(peak["expected"]),
                "p_value": float(peak["p_value"]), "q_value": float(peak["q_value"]), "feedback_ids": [],
                "ticket_id": _stable("ticket", "incident", iid), "status": STATUS_DONE if done else STATUS_OPEN,
                "method": cfg.method, "updated_at": settings.now().replace(microsecond=0)})
    return pd.DataFrame(out, columns=COLUMNS)


def _llr(N: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Poisson log-likelihood ratio of rate N/E against the expected rate, for N > E (else 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(N > E, N * np.log(np.maximum(N, 1e-12) / E) - (N - E), 0.0)


def _best_start(n: np.ndarray, e: np.ndarray, dd: np.ndarray, lo: pd.Timestamp, f0: pd.Timestamp) -> int:
    """Index of the start s in [lo, f0] maximising the LLR of the segment [s, f0]."""
    j = int(np.searchsorted(dd, f0.to_datetime64(), side="right")) - 1
    i0 = int(np.searchsorted(dd, lo.to_datetime64()))
    if j < i0:
        return max(j, 0)
    N = np.cumsum(n[i0:j + 1][::-1])[::-1]
    E = np.cumsum(e[i0:j + 1][::-1])[::-1]
    return i0 + int(np.argmax(_llr(N, E)))


def _best_end(n: np.ndarray, e: np.ndarray, dd: np.ndarray, s: int, hi: pd.Timestamp) -> int:
    """Index of the end t in [s, hi] maximising the LLR of the segment [s, t]."""
    j = max(s, int(np.searchsorted(dd, hi.to_datetime64(), side="right")) - 1)
    N, E = np.cumsum(n[s:j + 1]), np.cumsum(e[s:j + 1])
    return s + int(np.argmax(_llr(N, E)))


def _stable(*parts: str) -> str:
    from cx.ids import stable_id
    return stable_id(*parts)


# --- the incidents table ------------------------------------------------------------------------------

def _load(cur, lo: date, hi: date, stores: pd.Index, keys: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coded counts and totals for feedback created in [lo, hi) (see ``_detect``)."""
    params = {"lo": datetime.combine(lo, datetime.min.time()), "hi": datetime.combine(hi, datetime.min.time()),
              "stores": list(stores), "touchpoints": keys["touchpoint"], "classes": keys["sensitive"]}
    counts = pd.DataFrame(cur.execute(db.sql("incidents/daily_counts"), params).fetchnumpy())
    totals = pd.DataFrame(cur.execute(db.sql("incidents/store_days"),
                                      {k: params[k] for k in ("lo", "hi", "stores")}).fetchnumpy())
    return counts, totals


def refresh(con: duckdb.DuckDBPyConnection, start: datetime | date | None = None, end: datetime | date | None = None,
            cfg: Config | None = None, block_days: int = 28) -> int:
    """Recompute incidents after feedback created in [start, end) changed (None = everything).

    A changed day moves the baselines of the ``history`` days after it, so every day from ``start`` to the
    last day of data is re-tested, and incidents still running at ``start`` are rebuilt whole. Runs on the
    caller's connection/cursor (call it inside the writer's transaction, after ``cx.rollup.refresh``).
    The daily roll-ups behind detection (migration 012) are refreshed for the whole days of [start, end)
    first. Returns the number of incidents written.""" 
    cfg = cfg or default()
    # keep the daily roll-ups in step for the changed days (whole days)
    a = pd.Timestamp(start).date() if start is not None else date(1900, 1, 1)
    b = (pd.Timestamp(end) + pd.Timedelta(days=1)).date() if end is not None else date(2200, 1, 1)
    for name in ("counts_clear", "counts_fill", "days_clear", "days_fill"):
        con.execute(db.sql(f"incidents/{name}"), {"start": a, "end": b})
    span = con.execute(db.sql("incidents/span")).fetchone()
    if span[0] is None:
        con.execute("DELETE FROM incidents")
        return 0
    first, last = span
    lo = first if start is None else max(first, pd.Timestamp(start).date())
    # incidents whose episode a flag from lo on could extend are rebuilt whole, from their first flag
    touch = lo - timedelta(days=cfg.quiet_days + 1)
    reopen = con.execute(db.sql("incidents/reopen_from"), {"lo": touch}).fetchone()[0]
    con.execute(db.sql("incidents/delete_from"), {"lo": touch})
    if reopen is not None and reopen < lo:
        lo = reopen
    stores = pd.Index([r[0] for r in con.execute("SELECT store_id FROM stores ORDER BY store_id").fetchall()])
    from cx.text.taxonomy import default as taxonomy
    keys = {"touchpoint": list(cfg.touchpoints) if cfg.touchpoints is not None else list(taxonomy().by_id),
            "sensitive": list(cfg.sensitive_classes)}
    flags, dailies = [], []
    # blocks on fixed calendar boundaries: a day is always tested with the same loaded range (the weekday
    # profile is estimated from it), so an incremental refresh gives what a full rebuild gives
    day = date.fromordinal(lo.toordinal() - lo.toordinal() % block_days)
    while day <= last:
        upto = min(last, day + timedelta(days=block_days - 1))
        day = max(day, first)
        loaded_from = day - timedelta(days=cfg.history)
        counts, totals = _load(con, loaded_from, upto + timedelta(days=1), stores, keys)
        # only days from lo on are tested (earlier days of the block would give what the table holds)
        f = _detect(counts, totals, list(stores), keys, max(day, lo), upto, cfg, loaded_from)
        flags.append(f.frame)
        dailies.append(f.daily)
        day = upto + timedelta(days=1)
    frame = pd.concat([f for f in flags if len(f)], ignore_index=True) if any(len(f) for f in flags) else flags[0]
    daily = (pd.concat([d for d in dailies if len(d)], ignore_index=True)
             .groupby(["store_id", "kind", "key", "day"], as_index=False)
             .agg(n=("n", "max"), expected_daily=("expected_daily", "first"))) if any(len(d) for d in dailies) else dailies[0]
    inc = episodes(Flags(frame, daily), last, cfg)
    # episodes that ended before `touch` are still in the table (untouched)
    inc = inc[pd.to_datetime(inc["last_flagged"]) >= pd.Timestamp(touch)] if len(inc) else inc
    if inc.empty:
        return 0
    ids = []
    for r in inc.itertuples(index=False):
        a = datetime.combine(r.start_at, datetime.min.time())
        b = datetime.combine(r.end_at or last, datetime.min.time()) + timedelta(days=1)
        ids.append([x[0] for x in con.execute(db.sql("incidents/verbatims"), {
            "kind": r.kind, "store": r.store_id, "key": r.key, "lo": a, "hi": b, "limit": cfg.verbatims}).fetchall()])
    inc = inc.assign(feedback_ids=ids)
    con.register("staged_incidents", inc)
    try:
        con.execute(db.sql("incidents/insert"))
    finally:
        con.unregister("staged_incidents")
    return len(inc)


def listing(con: duckdb.DuckDBPyConnection, filters) -> pd.DataFrame:
    """Incidents overlapping the filter period at stores the filters and the user's scope allow, most severe
    and ongoing first, with a Chinese label for what spiked (``what``) and the rate ratio — one row per event:
    the incidents one burst raises together (a food-safety burst is a touchpoint and a sensitive-word class
    incident) are one row naming all its triggers (``triggers``, ``incident_ids``; see :func:`grouped`)."""
    p = filters.params()
    params = {k: p[k] for k in ("start", "end", "regions", "stores", "formats", "scope_stores", "no_format")}
    with con.cursor() as cur:
        df = cur.execute(db.sql("incidents/list"), params).df()
        return grouped(_labelled(df), lambda r: _members(cur, r))


def _members(cur, r) -> set[str]:
    """All feedback ids of an incident's cell (store × touchpoint or sensitive class) in its span."""
    lo = datetime.combine(pd.Timestamp(r["start_at"]).date(), datetime.min.time())
    end = r["end_at"]
    hi = (datetime.combine(pd.Timestamp(end).date(), datetime.min.time()) + timedelta(days=1)
          if end is not None and not pd.isna(end) else datetime(2200, 1, 1))
    return {x[0] for x in cur.execute(db.sql("incidents/verbatims"), {
        "kind": r["kind"], "store": r["store_id"], "key": r["key"], "lo": lo, "hi": hi, "limit": 1_000_000}).fetchall()}


def _order(df: pd.DataFrame) -> pd.DataFrame:
    """Most severe first, then ongoing before subsided, then the latest start (as incidents/list.sql)."""
    sev = df["severity"].map({"high": 0, "medium": 1}).fillna(2)
    key = pd.DataFrame({"sev": sev, "done": df["status"] == STATUS_DONE, "start": pd.to_datetime(df["start_at"])})
    return df.loc[key.sort_values(["sev", "done", "start"], ascending=[True, True, False], kind="stable").index]


def grouped(df: pd.DataFrame, members: Callable[[pd.Series], set[str]]) -> pd.DataFrame:
    """One row per event: rows of ``df`` (``listing`` rows, most serious first) at the same store whose spans
    overlap (an ongoing one runs on) and whose feedback overlaps (``members(row)``: the row's feedback ids; asked
    only for such candidate pairs) are one event. Its row is its most serious incident's, with the span, flag
    days and state of the whole event, the evidence of all (``feedback_ids``), ``what`` naming each distinct
    trigger, ``triggers`` (dicts: kind, key, what, observed, expected, ratio, incident_id, ticket_id; most serious
    first) and ``incident_ids``. A row on its own keeps its values. Returns a new frame in listing order."""
    cols = ["kind", "key", "what", "observed", "expected", "ratio", "incident_id", "ticket_id"]
    df = df.reset_index(drop=True)
    trig = [[{c: r.get(c) for c in cols}] for _, r in df.iterrows()]
    if len(df) < 2:
        return df.assign(triggers=trig, incident_ids=[[t[0]["incident_id"]] for t in trig])
    start = pd.to_datetime(df["start_at"])
    end = pd.to_datetime(df["end_at"]).fillna(pd.Timestamp("2200-01-01"))      # an ongoing one runs on
    parent = list(range(len(df)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    feedback: dict[int, set[str]] = {}

    def of(i: int) -> set[str]:
        if i not in feedback:
            feedback[i] = members(df.loc[i])
        return feedback[i]

    for _, idx in df.groupby("store_id", sort=False).indices.items():
        for x, i in enumerate(idx):
            for j in idx[x + 1:]:
                if root(i) != root(j) and start[i] <= end[j] and start[j] <= end[i] and of(i) & of(j):
                    parent[root(j)] = root(i)
    rows = []
    for _, idx in pd.Series(range(len(df))).groupby([root(i) for i in range(len(df))], sort=False).groups.items():
        idx = sorted(idx)                 # listing order: the first is the most serious
        r = df.loc[idx[0]].to_dict()
        if len(idx) > 1:
            g = df.loc[idx]
            ongoing = g["end_at"].isna().any()
            r["start_at"] = g["start_at"].min()
            r["end_at"] = None if ongoing else g["end_at"].max()
            r["first_flagged"], r["last_flagged"] = g["first_flagged"].min(), g["last_flagged"].max()
            r["status"] = STATUS_OPEN if (g["status"] == STATUS_OPEN).any() else r["status"]
            r["feedback_ids"] = list(dict.fromkeys(x for ids in g["feedback_ids"] if ids is not None for x in ids))
            r["what"] = "、".join(dict.fromkeys(g["what"]))
        r["triggers"] = [t for i in idx for t in trig[i]]
        r["incident_ids"] = [t["incident_id"] for t in r["triggers"]]
        rows.append(r)
    return _order(pd.DataFrame(rows, columns=list(df.columns) + ["triggers", "incident_ids"])).reset_index(drop=True)


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    from cx.text.taxonomy import default as taxonomy
    tax = taxonomy()
    classes = _class_labels()
    df = df.copy()
    df["what"] = [tax.label(k) if kind == "touchpoint" else classes.get(k, k) for kind, k in zip(df["kind"], df["key"])]
    df["ratio"] = df["observed"] / df["expected"].clip(lower=0.1) if len(df) else []
    return df


@functools.cache
def _class_labels() -> dict[str, str]:
    doc = yaml.safe_load(settings.config_file("sensitive_words.yaml").read_text(encoding="utf-8"))
    return {k: v.get("label", k) for k, v in doc["classes"].items()}


def describe(r) -> str:
    """One Chinese line for an incident row from ``listing`` (band, deck, ticket title); an event with several
    triggers (``triggers``) names each with its count."""
    span = f"{r['start_at']:%m-%d} 起" + ("（进行中）" if r["end_at"] is None or pd.isna(r["end_at"])
                                          else f" 至 {r['end_at']:%m-%d}")
    triggers = r.get("triggers")
    if isinstance(triggers, list) and len(triggers) > 1:
        each = "、".join(f"{t['what']}{_kind_word(t['kind'])} {int(t['observed'])} 条"
                        f"（预期约 {t['expected']:.1f} 条，{t['ratio']:.1f} 倍）" for t in triggers)
        return f"{r['store_name']}：同一事件触发 {len(triggers)} 项——{each}，{span}"
    return (f"{r['store_name']}：{r['what']}{_kind_word(r['kind'])} {int(r['observed'])} 条，预期约 {r['expected']:.1f} 条"
            f"（{r['ratio']:.1f} 倍），{span}")


def _kind_word(kind: str) -> str:
    return "敏感词" if kind == "sensitive" else "负面提及"


def evidence(con: duckdb.DuckDBPyConnection, row) -> pd.DataFrame:
    """The verbatims of one incident row (from ``listing``): feedback_id, created_at, source, channel, nps,
    rating, text; newest first."""
    ids = list(row["feedback_ids"]) if row["feedback_ids"] is not None else []
    with con.cursor() as cur:
        return cur.execute(db.sql("incidents/evidence"), {"ids": ids}).df()


def tickets(con: duckdb.DuckDBPyConnection, row) -> pd.DataFrame:
    """The tickets of one incident row (from ``listing``; an event's row has one per trigger): ticket_id,
    ticket_no, status — none before the alert rules have run."""
    triggers = row.get("triggers")
    ids = [t["ticket_id"] for t in triggers] if isinstance(triggers, list) else [row["ticket_id"]]
    with con.cursor() as cur:
        return cur.execute(db.sql("incidents/tickets"), {"ids": ids}).df()


def method_note(cfg: Config | None = None) -> str:
    """How incidents are found, for captions (Chinese)."""
    cfg = cfg or default()
    return (f"重大事件：按门店×触点（负面提及数）与门店×敏感词类别统计每日条数，与本店前 {cfg.baseline_days} 天的基线"
            f"（按星期季节性调整）比较；方法：{cfg.method}，每日 FDR {cfg.fdr:.0%}/{cfg.fdr_horizon_days}"
            f"，窗口 {'/'.join(map(str, cfg.windows))} 天，至少 {cfg.min_count} 条且达到预期的 {cfg.min_ratio:g} 倍。")
