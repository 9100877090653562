"""Emerging topics beyond the taxonomy: what customers complain about in clauses that name no touchpoint.

Negative clauses without a touchpoint are the taxonomy's blind spot. This module measures that blind spot
(coverage: the share of negative clauses the taxonomy names) and finds the terms and short phrases among the
untagged negative clauses that rose significantly against the previous period of equal length — a payment
outage or a strange smell surfaces before anyone adds a keyword. Testing discipline as for 新兴问题
(cx.painpoints.emerging): per term a two-proportion z-test of the share of texts whose untagged negative
clauses contain it, Benjamini–Hochberg across all terms tested at FDR q. Terms that move together are merged
into clusters (overlap of the texts they occur in), each with example verbatims.

The texts are read from the store and analysed on the fly (the store keeps words of negative clauses, not
which clauses were untagged): every text of a period with at most ``cap`` texts, otherwise a fixed uniform
random sample of ``cap`` texts spread over the whole period (the same sample on every view; rates are
estimated on it), stated in the result (``total``, ``capped``).
HQ turns a cluster into a keyword with ``add_keyword`` (written to data/taxonomy.yaml; stored texts keep their
old tagging until 重新分析全部文本, which the configuration fingerprint notice asks for).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from cx import db, metrics
from cx.filters import Filters

CAP = 2000          # texts per period read for the analysis (a uniform sample beyond that): ~2 s on a first page view
MIN_NOW = 5         # a term must occur in at least this many texts of the current period to be tested
MODEL_LOW = 0.15    # an untagged clause the lexicon cannot read is negative when the model is this sure


@dataclass
class EmergingTopics:
    """Result of ``analyse``: coverage per period, tested terms, clusters of rising terms with examples."""
    n_texts: dict[str, int]                 # texts analysed per period ("before", "now")
    negative_clauses: dict[str, int]        # negative clauses per period
    untagged: dict[str, int]                # of which without a touchpoint
    terms: pd.DataFrame                     # term, k_before, k_now, rate_before, rate_now, diff, p_value, significant
    clusters: list[dict] = field(default_factory=list)   # {"label", "terms", "k_now", "k_before", "examples"}
    capped: bool = False                    # True when a period had more texts than ``cap`` (a sample was read)
    total: dict[str, int] = field(default_factory=dict)   # all texts per period ("before", "now"), sampled or not

    def coverage(self, period: str = "now") -> float | None:
        """Share of negative clauses that name a touchpoint (None without negative clauses)."""
        n = self.negative_clauses.get(period, 0)
        return None if n == 0 else 1 - self.untagged.get(period, 0) / n


def untagged_negative_clauses(texts: list[str]) -> list[tuple[list[str], int]]:
    """Per text: (its negative clauses without a touchpoint, its number of negative clauses). Texts are read
    like the analysis reads them (customer turns, folded); a clause is negative when the lexicon scores it
    below 0 or, where the lexicon finds nothing, the sentiment model gives P(positive) < MODEL_LOW — or
    below 0.5 in a text that is negative as a whole (a new problem has no lexicon word: 「小程序一直闪退」)."""
    from cx import text as cxtext
    from cx.text import clauses, polarity, sentiment, tagger

    views = [cxtext.analysis_view(t) for t in texts]
    per_text, unread = [], []
    for i, v in enumerate(views):
        tagged = {(a, b) for a, b, _, _ in tagger.candidates(v)}
        rows = []
        for a, b in clauses.split(v):
            s = polarity.score(v[a:b])
            rows.append([(a, b) in tagged, v[a:b].strip(), s < 0])
            if s == 0:
                unread.append((i, len(rows) - 1))
        per_text.append(rows)
    probs = sentiment.clause_scores([per_text[i][j][1] for i, j in unread])
    doc = sentiment.score_folded(views)
    for (i, j), p in zip(unread, probs):
        per_text[i][j][2] = p < MODEL_LOW or (doc[i] < 0.5 and p < 0.5)
    return [([c for tagged, c, neg in rows if neg and not tagged], sum(neg for _, _, neg in rows))
            for rows in per_text]


def terms_of(clause: str) -> set[str]:
    """Content words of a clause and phrases of two adjacent content words (「支付 失败」 → 支付失败)."""
    from cx.text import segment

    toks = segment.cut(clause)
    words = set(segment.keywords(toks))
    phrases = {a + b for a, b in zip(toks, toks[1:]) if a in words and b in words}
    return words | phrases


def analyse(con, filters: Filters, q: float = 0.05, cap: int = CAP, min_now: int = MIN_NOW) -> EmergingTopics:
    """Coverage and significantly rising untagged complaint terms, current period vs the previous one."""
    both = filters.with_(start=filters.previous().start)
    rows = db.filtered_df(con, "pain/emerging_texts", both, {"current_start": filters.params()["start"], "cap": cap})
    found = untagged_negative_clauses(rows["text"].fillna("").tolist())
    period = ["now" if x else "before" for x in rows["now"]]
    n_texts = {p: period.count(p) for p in ("before", "now")}
    neg = {"before": 0, "now": 0}
    unt = {"before": 0, "now": 0}
    occ: dict[str, dict[str, set[int]]] = {}
    examples: dict[str, list[tuple[int, str]]] = {}
    for i, ((cls, n_neg), p) in enumerate(zip(found, period)):
        neg[p] += n_neg
        unt[p] += len(cls)
        seen = set()
        for c in cls:
            for t in terms_of(c):
                if t not in seen:
                    seen.add(t)
                    occ.setdefault(t, {"before": set(), "now": set()})[p].add(i)
                    if p == "now":
                        examples.setdefault(t, []).append((i, c))
    tested = [(t, o) for t, o in occ.items() if len(o["now"]) >= min_now]
    tests = [metrics.two_proportions(len(o["before"]), n_texts["before"], len(o["now"]), n_texts["now"])
             for _, o in tested]
    sig = metrics.benjamini_hochberg([x.p_value for x in tests], q) if tests else []
    terms = pd.DataFrame({
        "term": [t for t, _ in tested],
        "k_before": [len(o["before"]) for _, o in tested], "k_now": [len(o["now"]) for _, o in tested],
        "rate_before": [len(o["before"]) / n_texts["before"] if n_texts["before"] else None for _, o in tested],
        "rate_now": [len(o["now"]) / n_texts["now"] if n_texts["now"] else None for _, o in tested],
        "diff": [x.diff for x in tests], "p_value": [x.p_value for x in tests],
        "significant": [s and x.diff > 0 for s, x in zip(sig, tests)],
    }, columns=["term", "k_before", "k_now", "rate_before", "rate_now", "diff", "p_value", "significant"])
    terms = terms.sort_values(["significant", "k_now"], ascending=[False, False]).reset_index(drop=True)
    clusters = _clusters(terms.loc[terms["significant"].astype(bool)], occ, examples, rows)
    capped = bool(rows["period_total"].max() > cap) if len(rows) else False
    total = {p: int(rows.loc[rows["now"] == (p == "now"), "period_total"].max()) if n_texts[p] else 0
             for p in ("before", "now")}
    return EmergingTopics(n_texts, neg, unt, terms, clusters, capped, total)


def _clusters(sig: pd.DataFrame, occ, examples, rows, overlap: float = 0.5, n_examples: int = 3) -> list[dict]:
    """Greedy grouping of rising terms (most frequent first): a term joins the first cluster whose texts
    overlap its own by ≥ ``overlap`` of the smaller set (支付 / 支付失败 / 付不了款 → one cluster)."""
    out: list[dict] = []
    for r in sig.sort_values("k_now", ascending=False).itertuples():
        ids = occ[r.term]["now"]
        for c in out:
            if len(ids & c["_ids"]) >= overlap * min(len(ids), len(c["_ids"])):
                c["terms"].append(r.term)
                c["_ids"] |= ids
                break
        else:
            out.append({"label": r.term, "terms": [r.term], "_ids": set(ids), "k_now": int(r.k_now),
                        "k_before": int(r.k_before)})
    for c in out:
        picks = sorted(examples.get(c["label"], []), key=lambda x: rows["created_at"].iloc[x[0]], reverse=True)
        c["examples"] = [{"feedback_id": rows["feedback_id"].iloc[i], "created_at": rows["created_at"].iloc[i],
                          "clause": cl, "text": rows["text"].iloc[i]} for i, cl in picks[:n_examples]]
        c["n_texts_now"] = len(c.pop("_ids"))
    return out


_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9·\- ]{0,19}$")


class KeywordError(ValueError):
    """The keyword cannot be added; the message says why, in Chinese."""


def add_keyword(touchpoint: str, word: str, path: Path | None = None) -> None:
    """Append ``word`` to the keywords of ``touchpoint`` in data/taxonomy.yaml, keeping the file's comments and
    layout (only that one line changes). The result is validated like any taxonomy edit; on failure the file
    is left as it was. Raises KeywordError (Chinese message)."""
    from cx.text import taxonomy

    path = Path(path or taxonomy.TAXONOMY_FILE)
    word = (word or "").strip()
    if not _WORD.match(word):
        raise KeywordError("关键词只能包含中文、字母、数字（最多 20 个字符），不能含标点")
    tax = taxonomy.load(path)
    if touchpoint not in tax.by_id:
        raise KeywordError(f"旅程分类中没有触点“{touchpoint}”")
    if word in tax.by_id[touchpoint].keywords:
        raise KeywordError(f"“{word}”已经是触点“{tax.label(touchpoint)}”的关键词")
    _edit_keywords(path, touchpoint, lambda head, tail: f"{head}, {word}]{tail}")


def remove_keyword(touchpoint: str, word: str, path: Path | None = None) -> None:
    """Undo ``add_keyword``: take ``word`` out of the keywords of ``touchpoint`` (only that one line changes,
    validated, the file left as it was on failure). Raises KeywordError (Chinese message) when the word is
    not one of its keywords."""
    from cx.text import taxonomy

    path = Path(path or taxonomy.TAXONOMY_FILE)
    word = (word or "").strip()
    tax = taxonomy.load(path)
    if touchpoint not in tax.by_id:
        raise KeywordError(f"旅程分类中没有触点“{touchpoint}”")
    if word not in tax.by_id[touchpoint].keywords:
        raise KeywordError(f"“{word}”不是触点“{tax.label(touchpoint)}”的关键词")

    def drop(head: str, tail: str) -> str:
        prefix, items = head.split("[", 1)
        kept = [w for w in items.split(",") if w.strip() != word]
        if len(kept) == len(items.split(",")):
            raise KeywordError(f"“{word}”不在 {path.name} 中触点“{touchpoint}”的 keywords 行里，请手动编辑")
        return f"{prefix}[{','.join(kept).strip()}]{tail}"
    _edit_keywords(path, touchpoint, drop)


def _edit_keywords(path: Path, touchpoint: str, edit) -> None:
    """Rewrite the one-line ``keywords: [...]`` of ``touchpoint`` with ``edit(head, tail)`` (head: the line up to
    the closing bracket, tail: what follows it), validate the whole file, write it atomically."""
    from cx.text import taxonomy

    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if re.match(rf"\s*- id: {re.escape(touchpoint)}\s*$", ln)), None)
    if start is None:
        raise KeywordError(f"无法在 {path.name} 中找到触点“{touchpoint}”的定义")
    for i in range(start + 1, len(lines)):
        if re.match(r"\s*- id: ", lines[i]):
            break
        m = re.match(r"(\s*keywords: \[.*)\](\s*(?:#.*)?)$", lines[i])
        if m:
            lines[i] = edit(m.group(1), m.group(2))
            break
    else:
        raise KeywordError(f"触点“{touchpoint}”的 keywords 不是单行列表，请手动编辑 {path.name}")
    new = "\n".join(lines)
    taxonomy.parse(yaml.safe_load(new), path.name)      # validate before writing
    tmp = path.with_suffix(".yaml.tmp")
    try:
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise KeywordError(f"无法写入 {path}：{e.strerror or e}（服务账号需要对旅程分类文件及其文件夹有写权限）") from None
    if path == taxonomy.TAXONOMY_FILE:
        taxonomy.default.cache_clear()


def keyword_owner(word: str, tax=None) -> str | None:
    """The touchpoint whose keywords hold ``word`` (None when none does): marks a topic as already added."""
    from cx.text import taxonomy

    tax = tax or taxonomy.default()
    return next((t.id for t in tax.touchpoints if word in t.keywords), None)
