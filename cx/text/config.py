"""Which text configuration the stored analysis was made with.

Editing the taxonomy, the dictionaries, the lexicon or a model changes how new texts are tagged, while rows
already in the store keep their old tagging until ``python -m cx rebuild-text``. A fingerprint of those files,
written with the analysis, lets the app say so instead of silently mixing two taxonomies in one chart.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from cx import db
from cx.text import aspect, mention, polarity, segment, sensitive, sentiment, taxonomy

FILES = (taxonomy.TAXONOMY_FILE, segment.USER_DICT, segment.STOPWORDS, polarity.LEXICON_FILE,
         sensitive.SENSITIVE_FILE, sentiment.MODEL_FILE, aspect.MODEL_FILE, mention.MODEL_FILE)
KEY = "text_config"


def fingerprint(files: tuple[Path, ...] = FILES) -> str:
    """Short hash of the files that decide how a text is analysed (read now, from disk)."""
    h = hashlib.sha256()
    if not aspect.enabled():
        h.update(b"aic-aspect-model:off\0")      # the switch changes how texts are analysed
    for f in files:
        h.update(f.name.encode() + b"\0" + (f.read_bytes() if f.exists() else b"<missing>") + b"\0")
    return h.hexdigest()[:16]


def stored(con: duckdb.DuckDBPyConnection) -> str | None:
    return db.meta_value(con, KEY)


def record(con: duckdb.DuckDBPyConnection, value: str | None = None) -> None:
    """Note that every stored text is now analysed with ``value`` (default: the files as they are now)."""
    db.set_meta(con, KEY, value or fingerprint())


def claim(con: duckdb.DuckDBPyConnection) -> None:
    """Before the first texts go into an empty store: record the configuration they are analysed with."""
    if stored(con) is None and not con.execute(db.sql("text/any_feedback")).fetchall()[0][0]:
        record(con)


def stale(con: duckdb.DuckDBPyConnection, current: str | None = None) -> bool:
    """True when the store was analysed with another configuration than ``current``. A store that never
    recorded one (built before this check existed) is not called stale: nothing is known about it."""
    was = stored(con)
    return was is not None and was != (current or fingerprint())
