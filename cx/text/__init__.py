"""Chinese text pipeline: clauses, touchpoint mentions, sentiment, keywords and sensitive words.

``analyze(texts)`` is the entry point, used by ingestion, the demo build and ``rebuild-text``: each text is read
through ``analysis_view`` (Simplified; a service transcript's customer turns only). Large batches are spread over
worker processes (each pays jieba's start-up once). ``sentiment.score`` and ``tagger.tag`` are building blocks
that read a text as given: call them on ``analysis_view(text)`` for what ``analyze`` reads.
"""
from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import multiprocessing as mp
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from cx.text import clauses, normalize, polarity, segment, sensitive, sentiment, tagger, turns

PARALLEL_MIN = 4000      # below this, a worker pool costs more than it saves
CHUNK = 2000           # texts per worker task; tasks are strided (see _chunks), so few large ones stay balanced


@dataclass
class Analysis:
    sentiment: float
    label: int                                   # −1 / 0 / +1
    mentions: list[tagger.Mention] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    neg_keywords: list[str] = field(default_factory=list)   # words from negative clauses (pain-point clouds)
    sensitive: list[sensitive.Hit] = field(default_factory=list)


def analysis_view(text: str | None) -> str:
    """What the analysis reads of a stored text: folded to Simplified (Cantonese 難食 → 难食) and, for a service
    dialogue, the customer's turns only (cx.text.turns). Mentions' clauses are quoted from this view."""
    t = normalize.fold_for_analysis("" if text is None else str(text))
    if ":" not in t and "：" not in t and "\n" not in t and "】" not in t and "]" not in t:
        return t          # no speaker tag (a colon or 【客服】) and no lines: not a dialogue (cx.text.turns)
    return turns.customer_text(t)


def analyze_batch(texts: list[str]) -> list[Analysis]:
    """Analyse texts in this process (the model runs once over all texts and all undecided clauses).
    Each text is read through ``analysis_view``."""
    with _no_cycle_collection():
        return _analyze_batch(texts)


@contextlib.contextmanager
def _no_cycle_collection():
    """The batch allocates millions of short-lived, acyclic objects (tokens, matches, spans) that reference
    counting frees; the cyclic garbage collector only re-scans the long-lived ones (~5 % of the time).
    Collection is switched back on afterwards if it was on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _analyze_batch(texts: list[str]) -> list[Analysis]:
    texts = [analysis_view(t) for t in texts]
    probs = sentiment.score_folded(texts)
    cands = [tagger.candidates(t) for t in texts]
    lex = [tagger.lexicon_scores(t, c) for t, c in zip(texts, cands)]
    pending = sorted({(i, (a, b)) for i, c in enumerate(cands) for (a, b, _, _), s in zip(c, lex[i]) if s == 0})
    clause_p = sentiment.clause_scores([texts[i][a:b].strip() for i, (a, b) in pending])
    by_text: dict[int, dict] = {}
    for (i, span), p in zip(pending, clause_p):
        by_text.setdefault(i, {})[span] = p
    resolved = [tagger.resolve(t, cands[i], lex[i], by_text.get(i, {})) for i, t in enumerate(texts)]
    resolved = tagger.learned(list(zip(texts, resolved, probs)))
    out = []
    for i, t in enumerate(texts):
        mentions = tagger.with_safety(t, resolved[i])
        kws, neg = _keywords(t, mentions)
        out.append(Analysis(probs[i], sentiment.label(probs[i]), mentions, kws, neg, sensitive.find(t)))
    return out


def _keywords(text: str, mentions: list[tagger.Mention]) -> tuple[list[str], list[str]]:
    """All content words, and those from negative clauses (a clause with a negative mention, or with no
    mention but a negative lexicon score)."""
    spans = clauses.split(text)
    tagged = {(m.start, m.end) for m in mentions}
    negative = {(m.start, m.end) for m in mentions if m.polarity < 0}
    negative |= {s for s in spans if s not in tagged and polarity.score(text[s[0]:s[1]]) < 0}
    skip = tagger.ignored_spans(text)
    keep = segment.keyword_memo()          # token → is a content word (segment.keywords), per process
    toks = segment.cut(text)
    kws = [t for t in toks if keep[t]]
    if not negative and not skip:
        return kws, []
    bad = [sp in negative for sp in spans]
    if not skip:
        # Clause spans are sorted and disjoint: a negative clause's words are the tokens starting inside it.
        starts = [0, *itertools.accumulate(map(len, toks))]
        n, neg = len(toks), []
        for (a, b), is_bad in zip(spans, bad):
            if is_bad:
                neg += [t for t in toks[bisect.bisect_left(starts, a, 0, n):bisect.bisect_left(starts, b, 0, n)]
                        if keep[t]]
        return kws, neg
    kws, neg = [], []
    n, ci, end = len(spans), -1, 0          # ci: the last clause starting at or before the token
    for tok in toks:
        start, end = end, end + len(tok)
        if not keep[tok]:
            continue
        if any(a <= start < b for a, b in skip):
            continue
        kws.append(tok)
        while ci + 1 < n and spans[ci + 1][0] <= start:
            ci += 1
        if ci >= 0 and start < spans[ci][1] and bad[ci]:
            neg.append(tok)
    return kws, neg


def clear_caches() -> None:
    """Forget per-process caches of clause spans, lexicon scores, dialogue turns, sensitive hits, keyword tokens
    and the regex screen's characters (benchmarks time each round from the same cold start)."""
    for f in (clauses.split, turns.split, sensitive._find):
        f.cache_clear()
    polarity.clear_caches()
    segment.clear_caches()
    tagger._screen.cache_clear()


def _warm() -> None:
    segment.tokenizer()
    sentiment.score(["预热"])


class Analyzer:
    """Reusable batch analyser; ``with Analyzer() as az: az.analyze(texts)`` keeps one worker pool."""

    def __init__(self, workers: int | None = None):
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._pool = None

    def __enter__(self) -> "Analyzer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def analyze(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> list[Analysis]:
        """Identical texts are analysed once (short ratings like 「好评」 and templated complaints repeat a
        lot); duplicates share one read-only Analysis."""
        texts, unique = _unique(texts)
        n = len(unique)
        if self.workers <= 1 or n < PARALLEL_MIN:
            out = analyze_batch(unique)
            if progress:
                progress(n, n)
        else:
            chunks = _chunks(unique, self.workers)
            done = 0

            def counted(parts):
                nonlocal done
                for part in parts:
                    done += len(part)
                    if progress:
                        progress(done, n)
                    yield part
            out = _unstride(counted(self._workers().imap(analyze_batch, chunks)), n, len(chunks))
        return _expand(texts, unique, out)

    def submit(self, texts: list[str]) -> Callable[[], list[Analysis]]:
        """Start analysing in the background; returns a function that waits for the results. Lets a caller
        prepare its next batch while the workers run (the demo build overlaps generation this way)."""
        texts, unique = _unique(texts)
        if self.workers <= 1 or len(unique) < PARALLEL_MIN:
            out = _expand(texts, unique, analyze_batch(unique))
            return lambda: out
        chunks = _chunks(unique, self.workers)
        job = self._workers().map_async(analyze_batch, chunks)

        return lambda: _expand(texts, unique, _unstride(job.get(), len(unique), len(chunks)))

    def _workers(self):
        if self._pool is None:
            # fork: no re-import of the caller's main script (spawn would re-run unguarded scripts);
            # workers warm jieba and the model once.
            self._pool = mp.get_context("fork").Pool(self.workers, initializer=_warm)
        return self._pool


def _unique(texts) -> tuple[list[str], list[str]]:
    texts = ["" if t is None else str(t) for t in texts]
    return texts, list(dict.fromkeys(texts))


def _chunks(texts: list[str], workers: int) -> list[list[str]]:
    """Worker tasks: every k-th text (k = number of tasks, at least one per worker, about CHUNK texts each).
    Striding gives each task the same mix of short and long texts, so a few large tasks finish together;
    few tasks matter on a busy machine, where each hand-over waits for the parent process to be scheduled."""
    k = max(workers, -(-len(texts) // CHUNK))
    return [texts[j::k] for j in range(k)]


def _unstride(parts, n: int, k: int) -> list:
    """The inverse of :func:`_chunks`: the k tasks' results (in task order) back in the texts' order."""
    out: list = [None] * n
    for j, part in enumerate(parts):
        out[j::k] = part
    return out


def _expand(texts: list[str], unique: list[str], results: list[Analysis]) -> list[Analysis]:
    if len(unique) == len(texts):
        return results
    done = dict(zip(unique, results))
    return [done[t] for t in texts]


def analyze(texts: Iterable[str], workers: int | None = None) -> list[Analysis]:
    """Batch analysis of many texts (see Analysis)."""
    with Analyzer(workers) as az:
        return az.analyze(list(texts))
