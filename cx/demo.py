"""Deterministic demo chain: stores, a year of multi-source feedback with planted stories, KANO, ratings.

The behaviour model (touchpoint mix, negative shares, stories) is data in ``data/demo/*.yaml``; this module
turns it into rows. Feedback is generated and inserted in date-ordered chunks so memory stays bounded at
10 M rows and the table ends up sorted by time (DuckDB zone maps then make date filters cheap).
"""
from __future__ import annotations

import calendar
import functools
import itertools
import os
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import yaml

from cx import db, incidents, kano, rollup, settings
from cx.demo_text import Composer
from cx.ingest.clean import clean_text
from cx.ids import stable_id
from cx.text import Analyzer
from cx.text import config as text_config
from cx.text import store as text_store

DEMO_DIR = settings.config_file("demo")
SOURCES = ("survey", "review", "service", "opinion")
PROFILES = ("dine_in", "delivery", "service", "opinion")
SEGMENTS = (("普通会员", 60), ("银卡会员", 25), ("金卡会员", 12), ("黑金会员", 3))
PLATFORMS = ("大众点评", "美团")
Progress = Callable[[float, str], None]


def auto_size(rows: int) -> tuple[int, int]:
    """(stores, months) for a demo of ``rows`` rows: a 300-store year, or ~2 000 stores over two years for
    the 10 M scale test (keeps per-store volume realistic)."""
    return (2000, 24) if rows >= 5_000_000 else (300, 12)


@dataclass(frozen=True)
class DemoConfig:
    rows: int = 120_000
    stores: int = 300
    seed: int = 42
    chunk: int = 50_000
    months: int | None = None       # default from data/demo/model.yaml
    end: date | None = None         # exclusive: the data's last day is end − 1; default today (the build day)


@functools.cache
def _yaml(name: str) -> dict:
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


def model() -> dict:
    return _yaml("model.yaml")


def chain() -> dict:
    return _yaml("chain.yaml")


def build(path: str | os.PathLike, cfg: DemoConfig = DemoConfig(), progress: Progress | None = None,
          workers: int | None = None) -> dict:
    """Build a demo store at ``path`` via a temporary file swapped in at the end (readers never see half)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    con = db.connect(tmp)
    try:
        summary = generate(con, cfg, progress, workers)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(str(path) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, path)
    return summary


def generate(con: duckdb.DuckDBPyConnection, cfg: DemoConfig = DemoConfig(), progress: Progress | None = None,
             workers: int | None = None) -> dict:
    """Fill an empty, migrated store with the demo chain. Returns counts and the planted stories."""
    step = progress or (lambda f, m: None)
    g = _Generator(cfg)
    step(0.01, "生成门店…")
    con.register("demo_stores", g.stores.drop(columns=["quality", "weight"]))
    con.execute("INSERT INTO stores SELECT store_id, name, region, city, district, format, opened_on, status FROM demo_stores")
    con.unregister("demo_stores")
    done = 0
    with Analyzer(workers) as az:
        # one chunk in flight: the workers analyse chunk k while this process generates chunk k + 1
        pending = None
        for frame in itertools.chain(g.feedback_chunks(), [None]):
            job = None
            if frame is not None:
                has = frame["text"].notna().to_numpy()
                job = (frame, frame.loc[has, "feedback_id"].tolist(), az.submit(frame.loc[has, "text"].tolist()))
            if pending is not None:
                done += _write_chunk(con, *pending)
                step(0.02 + 0.9 * done / cfg.rows, f"生成并分析反馈 {done:,}/{cfg.rows:,} 条…")
            pending = job
    rollup.refresh_all(con)
    step(0.92, "检测重大事件…")
    incidents.refresh(con)
    step(0.93, "生成 KANO 问卷与平台评分…")
    for table, frame in (("kano_answers", g.kano()), ("external_ratings", g.ratings())):
        con.register("demo_extra", frame)
        con.execute(f"INSERT INTO {table} SELECT * FROM demo_extra")  # noqa: S608 - fixed names
        con.unregister("demo_extra")
    step(0.95, "运行预警规则并模拟工单处理…")
    _loop(con, g)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('demo_stories', ?), ('demo_seed', ?)",
                [yaml.safe_dump(g.stories, allow_unicode=True), str(cfg.seed)])
    text_config.record(con)
    db.bump_data_version(con)
    step(1.0, "完成")
    return {"rows": done, "stores": len(g.stores), "stories": g.stories}


def _write_chunk(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, ids: list, results) -> int:
    per_text, mentions, hits = text_store.frames(ids, results())
    frame = frame.merge(per_text, on="feedback_id", how="left")
    con.register("demo_chunk", frame)
    con.execute(db.sql("demo/insert_feedback"))
    con.unregister("demo_chunk")
    text_store.write_children(con, mentions, hits)
    return len(frame)


def _loop(con: duckdb.DuckDBPyConnection, g: "_Generator") -> None:
    """Alerts over the whole year, a year of simulated handling, the SLA pass, and the planted actions."""
    from cx.loop import rules, simulate, tickets

    end = datetime.combine(g.end, datetime.min.time())
    months = sorted({datetime(d.year, d.month, 1) for d in g.days}) + [end]
    for i, (m0, m1) in enumerate(zip(months, months[1:])):      # month by month: memory stays bounded
        rules.run(con, m0, m1)
        simulate.simulate(con, end - timedelta(hours=6), seed=g.cfg.seed + i, since=m0, until=m1)
    tickets.escalate(con, end)
    st = g.stories
    con.execute(db.sql("demo/insert_actions"), {
        "a1": stable_id("action", st["improved"]["store_id"], st["improved"]["date"]), "s1": st["improved"]["store_id"],
        "t1": st["improved"]["touchpoint"], "d1": st["improved"]["action"], "date1": st["improved"]["date"],
        "a2": stable_id("action", st["slow_region"]["region"], st["slow_region"]["action_date"]),
        "r2": st["slow_region"]["region"], "t2": st["slow_region"]["touchpoint"],
        "d2": f"{st['slow_region']['region']}区域后厨增配人手（效果待验证）", "date2": st["slow_region"]["action_date"]})


class _Generator:
    def __init__(self, cfg: DemoConfig):
        self.cfg = cfg
        self.m, self.c = model(), chain()
        self.rng = np.random.default_rng(cfg.seed)
        self.rnd = random.Random(cfg.seed)
        # The window ends the day before the build (the demo looks live); the stories are placed from there.
        self.end = cfg.end or settings.today()  # exclusive
        months = cfg.months or self.m["months"]
        first = self.end.year * 12 + self.end.month - 1 - months
        y, mo = first // 12, first % 12 + 1
        self.start = date(y, mo, min(self.end.day, calendar.monthrange(y, mo)[1]))
        self.days = [self.start + timedelta(d) for d in range((self.end - self.start).days)]
        self.tps = list(self.m["p_negative"])
        self.tp_index = {t: i for i, t in enumerate(self.tps)}
        self.composer = Composer(self.rnd, self.c["brand"])
        self._rows_so_far = 0
        self.stores = self._make_stores()
        self.stories = self._place_stories()
        holidays = set()
        for a, b in self.c["holidays"]:
            holidays.update(a + timedelta(i) for i in range((b - a).days + 1))
        self.is_holiday = np.array([d in holidays for d in self.days])
        self.is_weekend = np.array([d.weekday() >= 5 for d in self.days])

    # --- stores ------------------------------------------------------------------------------------------
    def _make_stores(self) -> pd.DataFrame:
        rng, rnd, n = self.rng, self.rnd, self.cfg.stores
        regions = self.c["regions"]
        names = list(regions)
        shares = np.array([regions[r]["share"] for r in names])
        counts = np.maximum(1, np.round(shares / shares.sum() * n)).astype(int)
        counts[0] += n - counts.sum()
        formats, fweights = list(self.c["formats"]), list(self.c["formats"].values())
        rows, used = [], set()
        for region, k in zip(names, counts):
            cities = list(regions[region]["cities"])
            city_w = np.linspace(2.0, 1.0, len(cities))  # the first city is the region's biggest
            for j in range(k):
                city = cities[rng.choice(len(cities), p=city_w / city_w.sum())] if j >= len(cities) else cities[j]
                district = rnd.choice(regions[region]["cities"][city])
                fmt = rnd.choices(formats, fweights)[0]
                for _ in range(50):
                    landmark = rnd.choice(self.c["landmarks"][fmt])
                    name = f"{self.c['brand']}（{city}{district.rstrip('区')}{landmark}店）"
                    if name not in used:
                        break
                    name = f"{self.c['brand']}（{city}{landmark}{rnd.randint(2, 9)}号店）"
                    if name not in used:
                        break
                used.add(name)
                opened = self.start - timedelta(days=int(rng.integers(200, 3000)))
                rows.append({"region": region, "city": city, "district": district, "format": fmt,
                             "name": name, "opened_on": opened})
        df = pd.DataFrame(rows)
        df.insert(0, "store_id", [f"S{i + 1:04d}" for i in range(len(df))])
        df["status"] = "营业中"
        df["quality"] = rng.normal(0, 1, len(df))
        df["weight"] = rng.lognormal(0, 0.45, len(df)) * df["format"].map(
            {"商场店": 1.2, "街边店": 1.0, "社区店": 0.7, "交通枢纽店": 1.1}).to_numpy()
        return df

    def _pick(self, city: str, taken: set, fmt: str | None = None) -> int:
        s = self.stores
        cand = s[(s["city"] == city) & ~s.index.isin(list(taken))]
        if fmt is not None and (cand["format"] == fmt).any():
            cand = cand[cand["format"] == fmt]
        if cand.empty:  # tiny demo: fall back to any store
            cand = s[~s.index.isin(list(taken))]
        i = int(cand.index[0])
        taken.add(i)
        return i

    def _place_stories(self) -> dict:
        st, s, taken = self.m["stories"], self.stores, set()
        inc = self._pick(st["incident"]["city"], taken, "商场店")
        imp = self._pick(st["improved"]["city"], taken, "商场店")
        star = self._pick(st["star"]["city"], taken)
        s.loc[imp, "weight"] = max(s.loc[imp, "weight"], 1.6)   # enough volume to verify the action
        s.loc[inc, "weight"] = max(s.loc[inc, "weight"], 1.3)
        s.loc[star, "quality"] = max(s.loc[star, "quality"], 1.0)
        rest = [i for i in s.index if i not in taken]
        new = rest[-st["new_stores"]["count"]:]
        for i in new:
            s.loc[i, "opened_on"] = self.end - timedelta(days=int(self.rng.integers(15, st["new_stores"]["opened_within_days"])))
        community = [i for i in rest[:-len(new) or None] if s.loc[i, "format"] == "社区店"]
        tiny = community[: st["tiny_stores"]["count"]]
        for i in tiny:
            s.loc[i, "weight"] *= st["tiny_stores"]["volume"]
        sid = s["store_id"]

        def ago(days: int) -> str:
            return str(self.end - timedelta(days=int(days)))

        inc_from = self.end - timedelta(days=int(st["incident"]["from_days_before_end"]))
        return {
            "slow_region": {**st["slow_region"], "from": ago(st["slow_region"]["from_days_before_end"]),
                            "action_date": ago(st["slow_region"]["action_days_before_end"])},
            "incident": {**st["incident"], "store_id": sid[inc], "store_name": s.loc[inc, "name"],
                         "from": str(inc_from), "to": str(inc_from + timedelta(days=int(st["incident"]["days"]) - 1))},
            "improved": {**st["improved"], "store_id": sid[imp], "store_name": s.loc[imp, "name"],
                         "date": ago(st["improved"]["date_days_before_end"])},
            "star": {**st["star"], "store_id": sid[star], "store_name": s.loc[star, "name"]},
            "new_stores": {"title": st["new_stores"]["title"], "store_ids": [sid[i] for i in new]},
            "tiny_stores": {"title": st["tiny_stores"]["title"], "store_ids": [sid[i] for i in tiny]},
        }

    # --- feedback ----------------------------------------------------------------------------------------
    def _day_counts(self) -> np.ndarray:
        w = np.ones(len(self.days))
        w[self.is_weekend] *= 1.55
        w[self.is_holiday] *= 1.8
        w *= np.linspace(0.9, 1.1, len(self.days))  # the chain grows over the year
        return self.rng.multinomial(self.cfg.rows, w / w.sum())

    def feedback_chunks(self):
        counts = self._day_counts()
        start, acc = 0, 0
        for d, k in enumerate(counts):
            acc += k
            if acc >= self.cfg.chunk or d == len(counts) - 1:
                yield self._chunk(start, d + 1, counts[start:d + 1])
                start, acc = d + 1, 0

    def _store_probs(self, day: int) -> np.ndarray:
        s, st = self.stores, self.stories
        today = self.days[day]
        w = s["weight"].to_numpy() * (s["opened_on"].to_numpy() <= today)
        inc = st["incident"]
        if inc["from"] <= str(today) <= inc["to"]:
            w = w.copy()
            w[int(inc["store_id"][1:]) - 1] *= inc["volume"]
        return w / w.sum()

    def _chunk(self, d0: int, d1: int, counts: np.ndarray) -> pd.DataFrame:
        rng, m = self.rng, self.m
        day = np.repeat(np.arange(d0, d1), counts)
        store = np.concatenate([rng.choice(len(self.stores), k, p=self._store_probs(d0 + i))
                                for i, k in enumerate(counts)]) if counts.sum() else np.zeros(0, int)
        n = len(day)
        seq0 = int(self._rows_so_far)
        self._rows_so_far += n
        hours = np.where(rng.random(n) < 0.45, rng.normal(12.3, 0.7, n),
                         np.where(rng.random(n) < 0.82, rng.normal(18.8, 1.0, n), rng.uniform(9, 22, n)))
        secs = (np.clip(hours, 8.0, 23.0) * 3600).astype(np.int64)
        base = np.array([np.datetime64(self.days[0], "s")], dtype="datetime64[s]")[0]
        created = base + (day.astype(np.int64) * 86400 + secs).astype("timedelta64[s]")
        order = np.argsort(created, kind="stable")
        day, store, created = day[order], store[order], created[order]

        src = rng.choice(4, n, p=[m["source_mix"][s] for s in SOURCES])
        channel = np.empty(n, dtype=object)
        for si, s in enumerate(SOURCES):
            names, probs = list(m["channels"][s]), list(m["channels"][s].values())
            idx = np.flatnonzero(src == si)
            channel[idx] = np.array(names, dtype=object)[rng.choice(len(names), len(idx), p=probs)]
        delivery = np.isin(channel, m["delivery_channels"])
        profile = np.select([src == 2, src == 3, delivery], [2, 3, 1], 0)
        k = np.zeros(n, dtype=int)
        for si, s in enumerate(SOURCES):
            idx = np.flatnonzero(src == si)
            k[idx] = rng.choice(4, len(idx), p=m["mentions_per_item"][s]) + 1

        T = len(self.tps)
        W = np.full((len(PROFILES), T), 1e-6)
        for pi, p in enumerate(PROFILES):
            for t, w in m["weights"][p].items():
                W[pi, self.tp_index[t]] = w
        keys = np.log(W[profile]) + rng.gumbel(size=(n, T))
        tp = np.argsort(-keys, axis=1)[:, :4]

        stores = self.stores
        region = stores["region"].to_numpy()[store]
        sid = stores["store_id"].to_numpy()[store]
        dates = np.array([str(self.days[d]) for d in range(d0, d1)])[day - d0]
        logit_extra = np.zeros((n, 4))
        self._apply_stories(tp, k, region, sid, dates, logit_extra)

        base_logit = np.log(np.array([m["p_negative"][t] for t in self.tps]) / (1 - np.array([m["p_negative"][t] for t in self.tps])))
        reg_eff = np.array([self.c["regions"][r]["effect"] for r in region])
        q = stores["quality"].to_numpy()[store]
        logit = (base_logit[tp] + np.array([m["source_logit"][s] for s in SOURCES])[src][:, None]
                 + reg_eff[:, None] - 0.45 * q[:, None] + logit_extra)
        for flag, table in ((self.is_weekend[day], m["weekend_logit"]), (self.is_holiday[day], m["holiday_logit"])):
            for t, v in table.items():
                logit += (tp == self.tp_index[t]) * flag[:, None] * v
        pol = np.where(rng.random((n, 4)) < 1 / (1 + np.exp(-logit)), -1, 1)
        active = np.arange(4)[None, :] < k[:, None]
        # someone who found a bug in the food rarely praises the rest of the meal
        fs = ((tp == self.tp_index["food_safety"]) & active & (pol < 0)).any(1)
        pol = np.where(fs[:, None] & (rng.random((n, 4)) < 0.75), -1, pol)
        s_mean = (pol * active).sum(1) / k
        u = 0.85 * s_mean + 0.3 * q - 0.4 * reg_eff + rng.normal(0, 0.5, n)

        def scale(center, slope, lo, hi, sd):
            return np.clip(np.round(center + slope * u + rng.normal(0, sd, n)), lo, hi)

        is_survey, is_review = src == 0, src == 1
        nps = np.where(is_survey, scale(7.7, 2.6, 0, 10, 0.6), np.nan)
        csat = np.where(is_survey & (rng.random(n) < 0.8), scale(3.95, 1.3, 1, 5, 0.45), np.nan)
        csat = np.where((src == 2) & (rng.random(n) < 0.3), scale(3.0, 1.2, 1, 5, 0.5), csat)
        ces = np.where(is_survey & (rng.random(n) < 0.5), scale(5.3, 1.6, 1, 7, 0.6), np.nan)
        rating = np.where(is_review, scale(3.85, 1.45, 1, 5, 0.4), np.nan)
        has_text = ~is_survey | (rng.random(n) < m["survey_text_share"])
        # Scores agree with the words written next to them: a mostly negative text gets no 4–5 stars or NPS 9–10,
        # a mostly positive one no 1–2 stars or NPS 0–6, a mixed one stays in the middle, and a food-safety
        # complaint (a hair, a bug, diarrhoea) caps the score whatever else the text says.
        band = np.select([fs | (s_mean <= -0.5), s_mean >= 0.5], [0, 2], 1)
        # (low, high) allowed in the negative, mixed and positive band; a food-safety complaint caps at `cap`
        bounds = {"rating": ((1, 3, 3), (3, 4, 5), 2), "nps": ((0, 5, 7), (7, 8, 10), 4), "csat": ((1, 2, 3), (3, 4, 5), 2)}

        def agree(values, name):
            lows, highs, cap = bounds[name]
            lo, hi = np.array(lows)[band], np.where(fs, cap, np.array(highs)[band])
            return np.where(has_text & ~np.isnan(values), np.clip(values, np.minimum(lo, hi), hi), values)

        nps, csat, rating = agree(nps, "nps"), agree(csat, "csat"), agree(rating, "rating")

        member = rng.random(n) < 0.55
        pool = max(2000, self.cfg.rows // 4)
        cust = rng.integers(0, pool, n)
        texts = self._texts(src, tp, pol, k, has_text, delivery, stores["city"].to_numpy()[store], band)
        seg_names = np.array([s for s, w in SEGMENTS for _ in range(w)], dtype=object)
        return pd.DataFrame({
            "feedback_id": [stable_id(SOURCES[s], f"DEMO{self.cfg.seed}-{seq0 + i}") for i, s in enumerate(src)],
            "source": np.array(SOURCES, dtype=object)[src],
            "channel": channel,
            "store_id": np.where((src == 3) & (rng.random(n) < 0.12), None, sid),
            "created_at": created.astype("datetime64[us]"),
            "customer_key": np.where(member, [f"c{(int(c) * 0x9E3779B97F4A7C15) % (1 << 60):015x}" for c in cust], None),
            "segment": np.where(member, seg_names[cust % 100], "非会员"),
            "nps": pd.array(nps, dtype="Int8"), "csat": pd.array(csat, dtype="Int8"),
            "ces": pd.array(ces, dtype="Int8"), "rating": rating,
            "text": texts,
            "import_id": "demo",
        })

    def _apply_stories(self, tp, k, region, sid, dates, logit_extra) -> None:
        st, rng, idx = self.stories, self.rng, self.tp_index

        def inject(mask, tpi, prob, delta):
            rows = np.flatnonzero(mask)
            if len(rows) == 0:
                return
            hit = rows[rng.random(len(rows)) < prob]
            have = (tp[hit] == tpi) & (np.arange(4)[None, :] < k[hit][:, None])
            tp[hit[~have.any(1)], 0] = tpi
            logit_extra[rows] += (tp[rows] == tpi) * delta

        sr = st["slow_region"]
        inject((region == sr["region"]) & (dates >= sr["from"]), idx[sr["touchpoint"]], sr["inject"], sr["logit"])
        inc = st["incident"]
        in_window = (sid == inc["store_id"]) & (dates >= inc["from"]) & (dates <= inc["to"])
        for t in inc["touchpoints"]:
            inject(in_window, idx[t], inc["inject"] / len(inc["touchpoints"]), inc["logit"])
        im = st["improved"]
        at = sid == im["store_id"]
        inject(at & (dates < im["date"]), idx[im["touchpoint"]], im["inject_before"], im["logit_before"])
        inject(at & (dates >= im["date"]), idx[im["touchpoint"]], im["inject_after"], im["logit_after"])
        sa = st["star"]
        inject(sid == sa["store_id"], idx[sa["touchpoint"]], sa["inject"], sa["logit"])

    def _texts(self, src, tp, pol, k, has_text, delivery, city, band) -> list[str | None]:
        comp, r, tps = self.composer, self.rnd, self.tps
        food_safety = self.tp_index["food_safety"]
        out: list[str | None] = []
        prev: dict[tuple[int, int], str] = {}   # by source and score band: a repeat keeps its score's tone
        for i in range(len(src)):
            if not has_text[i]:
                out.append(None)
                continue
            s = int(src[i])
            if s in (1, 3) and r.random() < 0.008:
                out.append(clean_text(comp.spam()))
                continue
            if (s, band[i]) in prev and r.random() < 0.004:   # the same customer posting the same words twice
                out.append(prev[(s, band[i])])
                continue
            names = [tps[j] for j in tp[i, :k[i]]]
            pols = [int(p) for p in pol[i, :k[i]]]
            if s == 0:
                text = comp.survey(names, pols)
            elif s == 1:
                text = comp.review(names, pols, bool(delivery[i]))
            elif s == 2:
                text = comp.service(names, pols)
            else:
                threat = min(pols) < 0 and (food_safety in tp[i, :k[i]] or r.random() < 0.08)
                text = comp.opinion(names, pols, city[i], threat)
            x = r.random()
            if x < 0.08:
                text = comp.add_emoji(text, sum(pols) > 0)
            elif x < 0.11:
                text = comp.add_typo(text)
            elif x < 0.135:
                text = comp.traditional(text)
            text = clean_text(text)
            prev[(s, band[i])] = text
            out.append(text)
        return out

    # --- KANO and platform ratings -------------------------------------------------------------------
    def kano(self) -> pd.DataFrame:
        rng, rnd = self.rng, self.rnd
        features = self.c["kano_features"]
        names = list(features)
        n_resp = int(min(5000, max(300, self.cfg.rows // 40)))
        all_cells = [(f, d) for f in range(1, 6) for d in range(1, 6)]
        rows = []
        for r in range(n_resp):
            store = self.stores["store_id"].iloc[int(rng.integers(0, len(self.stores)))]
            when = datetime.combine(self.days[int(rng.integers(0, len(self.days)))], datetime.min.time()) + timedelta(hours=13)
            for feat in rnd.sample(names, 6):
                cat = features[feat]
                f, d = rnd.choice(kano.cells(cat)) if rnd.random() < 0.62 else rnd.choice(all_cells)
                resp = f"K{self.cfg.seed}-{r:05d}"
                rows.append((stable_id("kano", resp, feat, store), resp, feat, f, d, when, store, "demo"))
        return pd.DataFrame(rows, columns=["answer_id", "respondent", "feature", "functional", "dysfunctional",
                                           "created_at", "store_id", "import_id"])

    def ratings(self) -> pd.DataFrame:
        s, st, rng = self.stores, self.stories, self.rng
        months = sorted({d.replace(day=1) for d in self.days})
        rows = []
        for i, row in s.iterrows():
            for mth in months:
                if row["opened_on"] > mth + timedelta(days=27):
                    continue
                for plat in PLATFORMS:
                    v = 4.3 + 0.22 * row["quality"] - 0.3 * self.c["regions"][row["region"]]["effect"]
                    v += rng.normal(0, 0.08) + (0.1 if plat == "美团" else 0.0)
                    if row["store_id"] == st["incident"]["store_id"] and str(mth) >= st["incident"]["from"][:8] + "01":
                        v -= 0.5 if str(mth)[:7] == st["incident"]["from"][:7] else 0.2
                    if row["store_id"] == st["improved"]["store_id"]:
                        v += 0.25 if str(mth) >= st["improved"]["date"][:8] + "01" else -0.25
                    rows.append((row["store_id"], plat, mth, round(float(np.clip(v, 2.5, 5.0)), 1)))
        return pd.DataFrame(rows, columns=["store_id", "platform", "period", "rating"])
