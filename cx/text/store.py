"""Writing analysis results to the store: frames for feedback columns, mentions and sensitive hits."""
from __future__ import annotations

from typing import Callable

import duckdb
import pandas as pd

from cx import db, rollup
from cx.text import Analysis, Analyzer, config

TEXT_COLUMNS = ["sentiment", "sentiment_label", "keywords", "neg_keywords"]


def frames(ids: list[str], results: list[Analysis]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(per-feedback columns, mentions, sensitive hits) for the given feedback ids."""
    text = pd.DataFrame({
        "feedback_id": ids,
        "sentiment": [r.sentiment for r in results],
        "sentiment_label": pd.array([r.label for r in results], dtype="Int8"),
        "keywords": [r.keywords for r in results],
        "neg_keywords": [r.neg_keywords for r in results],
    })
    mentions = pd.DataFrame(
        [(i, m.stage, m.touchpoint, m.polarity, m.clause[:300], m.keyword)
         for i, r in zip(ids, results) for m in r.mentions],
        columns=["feedback_id", "stage", "touchpoint", "polarity", "clause", "keyword"])
    hits = pd.DataFrame(
        [(i, h.cls, h.severity, h.word) for i, r in zip(ids, results) for h in r.sensitive],
        columns=["feedback_id", "class", "severity", "word"])
    return text, mentions, hits


def write_children(cur: duckdb.DuckDBPyConnection, mentions: pd.DataFrame, hits: pd.DataFrame) -> None:
    """Insert mentions (and their feedback × touchpoint roll-up) and hits, inside the caller's transaction.
    The feedback rows must be stored already."""
    if len(mentions):
        cur.register("staged_mentions", mentions)
        cur.execute(db.sql("text/insert_mentions"))
        cur.execute(db.sql("text/insert_feedback_touchpoints"))
        cur.unregister("staged_mentions")
    if len(hits):
        cur.register("staged_hits", hits)
        cur.execute(db.sql("text/insert_hits"))
        cur.unregister("staged_hits")


def rebuild(con: duckdb.DuckDBPyConnection, progress: Callable[[float, str], None] | None = None,
            page: int = 20_000, workers: int | None = None, fingerprint: str | None = None) -> int:
    """Re-analyse every stored text (after a taxonomy or dictionary change). Each page commits on its own,
    so an interrupted rebuild can simply be run again (the store counts as re-analysed only at the end).
    ``fingerprint``: the configuration this process analyses with (default: the files on disk now).
    Returns the number of texts analysed."""
    step = progress or (lambda f, m: None)
    with con.cursor() as cur:
        total = cur.execute(db.sql("text/count_texts")).fetchone()[0]
    done = 0
    with Analyzer(workers) as az, con.cursor() as cur:
        while done < total:
            chunk = cur.execute(db.sql("text/texts_page"), {"limit": page, "offset": done}).df()
            if chunk.empty:
                break
            results = az.analyze(chunk["text"].tolist())
            text, mentions, hits = frames(chunk["feedback_id"].tolist(), results)
            with db.transaction(cur):
                cur.register("staged_text", text)
                cur.execute(db.sql("text/clear_ids"))
                cur.execute(db.sql("text/update_feedback"))
                cur.unregister("staged_text")
                write_children(cur, mentions, hits)
                db.bump_data_version(cur)
            done += len(chunk)
            step(done / total, f"重新分析文本 {done:,}/{total:,}…")
        with db.transaction(cur):
            rollup.refresh_all(cur)      # sentiment labels and sensitive hits feed the store × month counts
            from cx import incidents      # re-analysed mentions and hits move the incident counts
            incidents.refresh(cur)
            config.record(cur, fingerprint)
            db.bump_data_version(cur)
    return done
