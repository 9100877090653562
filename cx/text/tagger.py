"""Touchpoint tagging: which touchpoints a text talks about, clause by clause, and with what polarity.

Keywords of all touchpoints are matched in one pass (longest first); a touchpoint's polarity is its
clause's lexicon score (with touchpoint cues, negation and degree words), falling back to the sentiment
model for clauses the lexicon cannot read.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from cx.text import aspect, clauses, mention, polarity, prefilter, sensitive, sentiment
from cx.text.taxonomy import Taxonomy, default


# The model decides a clause only when the lexicon is silent and the model is confident.
MODEL_LOW, MODEL_HIGH = 0.15, 0.85


@dataclass(frozen=True)
class Mention:
    stage: str
    touchpoint: str
    polarity: int          # −1, 0, +1
    clause: str
    start: int             # clause span in the text
    end: int
    keyword: str


@functools.cache
def _matcher(tax: Taxonomy) -> tuple[re.Pattern, dict[str, tuple[str, ...]], tuple[tuple[re.Pattern, str], ...],
                                     re.Pattern | None]:
    owners: dict[str, list[str]] = {}
    for tp in tax.touchpoints:
        for k in tp.keywords:
            owners.setdefault(k, []).append(tp.id)
    words = sorted(owners, key=len, reverse=True)
    regexes = tuple((re.compile(rx), tp.id) for tp in tax.touchpoints for rx in tp.regex)
    ignore = re.compile("|".join(f"(?:{rx})" for rx in tax.ignore), re.MULTILINE) if tax.ignore else None
    return re.compile("|".join(map(re.escape, words))), {k: tuple(v) for k, v in owners.items()}, regexes, ignore


@functools.cache
def _screen(tax: Taxonomy) -> prefilter.Screen:
    return prefilter.Screen([rx for rx, _ in _matcher(tax)[2]])


def ignored_spans(text: str, tax: Taxonomy | None = None) -> list[tuple[int, int]]:
    """Spans of boilerplate (taxonomy ``ignore``) where no touchpoint or keyword is taken from."""
    ignore = _matcher(tax or default())[3]
    return [] if ignore is None else [(m.start(), m.end()) for m in ignore.finditer(text)]


def candidates(text: str, tax: Taxonomy | None = None) -> list[tuple[int, int, str, str]]:
    """(clause start, clause end, touchpoint, keyword) for every touchpoint found, once per clause."""
    tax = tax or default()
    pattern, owners, regexes, _ = _matcher(tax)
    spans = clauses.split(text)
    found: dict[tuple[int, str], str] = {}
    hits = [(m.start(), m.group(0), owners[m.group(0)]) for m in pattern.finditer(text)]
    if regexes:
        may = _screen(tax).mask(text)      # skips patterns that cannot match (English ones on Chinese text)
        hits += [(m.start(), m.group(0), (tp,)) for i, (rx, tp) in enumerate(regexes) if may >> i & 1
                 for m in rx.finditer(text)]
    skip = ignored_spans(text, tax)
    if skip:
        hits = [h for h in hits if not any(a <= h[0] < b for a, b in skip)]
    starts = [a for a, _ in spans]
    for pos, word, tps in hits:
        ci = bisect.bisect_right(starts, pos) - 1
        if ci < 0 or pos >= spans[ci][1]:
            continue
        a, b = spans[ci]
        for tp in tps:
            if (ci, tp) in found:
                continue
            exclude = tax.by_id[tp].exclude
            if exclude and any(x in text[a:b] for x in exclude):
                continue
            found[ci, tp] = word
    order = _order(tax)
    for (ci, tp), w in list(found.items()):
        to = _moved(text, spans, ci, tax.by_id[tp])
        if to is not None:
            del found[ci, tp]
            found.setdefault((ci, to), w)
    out = [(spans[ci][0], spans[ci][1], tp, w) for (ci, tp), w in found.items()]
    return sorted(out, key=lambda r: (r[0], order[r[2]]))


def _moved(text: str, spans, ci: int, tp) -> str | None:
    """The touchpoint a match moves to under the touchpoint's context rules (first rule that fires), or None."""
    if not tp.context:
        return None
    a, b = spans[ci]
    clause = text[a:b]
    for scope, when, unless, to in tp.context:
        if any(u in clause for u in unless):
            continue
        where = text if scope == "text" else text[spans[ci - 1][0] if ci else a:b]
        if any(w in where for w in when):
            return to
    return None


@functools.cache
def _order(tax: Taxonomy) -> dict[str, int]:
    return {t.id: i for i, t in enumerate(tax.touchpoints)}


def lexicon_scores(text: str, cands, tax: Taxonomy | None = None) -> list[float]:
    """Lexicon polarity of each candidate's clause for its touchpoint (0 = undecided)."""
    tax = tax or default()
    return [polarity.score(text[a:b].strip(), tax.by_id[tp]) for a, b, tp, _ in cands]


def resolve(text: str, cands, scores: list[float] | None = None,
            model_scores: dict[tuple[int, int], float] | None = None, tax: Taxonomy | None = None) -> list[Mention]:
    """Turn candidates into Mentions. ``scores`` are lexicon_scores (computed if absent); ``model_scores``
    maps clause spans to P(positive) for clauses the lexicon leaves undecided."""
    tax = tax or default()
    scores = scores if scores is not None else lexicon_scores(text, cands, tax)
    out = []
    for (a, b, tp_id, word), s in zip(cands, scores):
        tp = tax.by_id[tp_id]
        clause = text[a:b].strip()
        if _only_moderate(clause, tp, tax):
            pol = 0
        elif s == 0:
            p = (model_scores or {}).get((a, b))
            if p is None:
                p = sentiment.score([clause])[0]
            pol = sentiment.label(p, MODEL_LOW, MODEL_HIGH)
        else:
            pol = polarity.sign(s)
        if pol < 0 and _conceded(text, b, tax):
            pol = 0
        out.append(Mention(tp.stage, tp.id, pol, clause, a, b, word))
    return out


@functools.cache
def _concession(tax: Taxonomy) -> re.Pattern | None:
    if not tax.concede:
        return None
    words = "|".join(map(re.escape, sorted(set(tax.concede), key=len, reverse=True)))
    return re.compile(r"[\s，,。.；;、~～…!！]*(?:但是|但|不过|可是|然而)?(?:还是|倒也|也还|也|都|倒|还|完全|勉强|基本上?)?"
                      rf"(?:{words})[的了啦吧哈呀]*(?=[\s，,。.；;、~～…!！?？]|$)")   # the whole clause: not 值得一提的是…


def _conceded(text: str, end: int, tax: Taxonomy) -> bool:
    """True when the clause ending at ``end`` is followed at once by a concession (taxonomy ``concede``):
    「稍微有点小贵，但是可以接受」「价格偏高但能接受」 accept the complaint — neutral, not negative.
    Only asked for negative mentions, so it costs one anchored match on few clauses."""
    rx = _concession(tax)
    return rx is not None and rx.match(text, end) is not None


@functools.cache
def _moderate(tax: Taxonomy) -> re.Pattern | None:
    words = sorted(set(tax.moderate), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _only_moderate(clause: str, tp, tax: Taxonomy) -> bool:
    """True when the clause's only sentiment words are moderate judgements (taxonomy ``moderate``):
    「价格还行」「味道一般」「人均60不算贵」 neither praise nor complain — neutral, as the AIC-2018 annotators
    label them. Another sentiment word in the clause (「一般般，很难吃」) keeps the lexicon's verdict."""
    rx = _moderate(tax)
    if rx is None or rx.search(clause) is None:
        return False
    return polarity.score(rx.sub(lambda m: "□" * len(m.group(0)), clause), tp) == 0


def aspect_items(mentions: list[Mention], doc_sentiment: float, tax: Taxonomy | None = None) -> list[aspect.Item]:
    """One aspect.Item per touchpoint of a text, in first-mention order."""
    tax = tax or default()
    by_tp: dict[str, list[Mention]] = {}
    for m in mentions:
        by_tp.setdefault(m.touchpoint, []).append(m)
    return [aspect.Item(tp, " | ".join(m.clause for m in ms), sum(m.polarity for m in ms),
                        sum(polarity.score(m.clause, tax.by_id[tp]) for m in ms),
                        sum(m.polarity > 0 for m in ms), sum(m.polarity < 0 for m in ms),
                        sum(m.polarity == 0 for m in ms), doc_sentiment)
            for tp, ms in by_tp.items()]


def learned(batch: list[tuple[str, list[Mention], float]], tax: Taxonomy | None = None) -> list[list[Mention]]:
    """For (text, mentions, document sentiment): in long reviews, first the learned mention model
    (cx.text.mention) drops keyword hits it reads as passing words, where it covers the touchpoint; then
    every mention of a touchpoint takes the learned whole-review polarity of that touchpoint (cx.text.aspect),
    where the model covers it.

    Short comments keep the keyword mentions and each clause's own polarity: 「菜太咸了」 on its own is a
    complaint, while in a 300-character review that praises the food it is a passing remark (the annotators'
    neutral). The models learned from reviews of 200+ characters, so they are only asked about long ones.
    One call of each model per batch.
    """
    out = [ms for _, ms, _ in batch]
    long = [i for i, (text, ms, _) in enumerate(batch) if ms and len(text) >= aspect.MIN_CHARS]
    if long and mention.current() is not None:
        hits = [{} for _ in long]
        for h, i in zip(hits, long):
            for m in out[i]:
                h.setdefault(m.touchpoint, []).append(m.clause)
        for i, drop in zip(long, mention.dropped(hits)):
            if drop:
                out[i] = [m for m in out[i] if m.touchpoint not in drop]
    long = [i for i in long if out[i]]
    docs = aspect_doc_sentiment({i: batch[i][2] for i in long}, [t for t, _, _ in batch])
    items = {i: aspect_items(out[i], docs[i], tax) for i in long}
    flat = aspect.predict([it for i in long for it in items[i]])
    k = 0
    for i in long:
        decided = {it.touchpoint: flat[k + j] for j, it in enumerate(items[i])}
        k += len(items[i])
        out[i] = [m if decided[m.touchpoint] is None or decided[m.touchpoint] == m.polarity
                  else Mention(m.stage, m.touchpoint, decided[m.touchpoint], m.clause, m.start, m.end, m.keyword)
                  for m in out[i]]     # a new Mention directly: dataclasses.replace is several times slower
    return out


def aspect_doc_sentiment(docs: dict[int, float], texts: list[str]) -> dict[int, float]:
    """Document sentiment as the aspect model should see it: without the safety cap (sentiment.SEVERE_CAP).

    A review that praises the staff and the food and then reports food poisoning is capped at 0.30 so it is
    never labelled positive; fed to the aspect model, that cap made every touchpoint the review only names
    (「服务员都认识我们了」) read negative. The food-safety complaint is its own mention; the other touchpoints
    get the sentiment the text has without the cap. Only capped texts (rare) are scored again."""
    # a score below the cap was not changed by it; exactly the cap is (almost surely) a capped one
    capped = [i for i, p in docs.items() if p == sentiment.SEVERE_CAP and sensitive.severe(texts[i])]
    if not capped:
        return docs
    return docs | dict(zip(capped, sentiment.uncapped_folded([texts[i] for i in capped]).tolist()))


def tag(text: str, tax: Taxonomy | None = None) -> list[Mention]:
    """Mentions of journey touchpoints in one text, in reading order (polarity: see ``learned``)."""
    if not text:
        return []
    mentions = resolve(text, candidates(text, tax), tax=tax)
    if mentions and len(text) >= aspect.MIN_CHARS:
        mentions = learned([(text, mentions, sentiment.score([text])[0])], tax)[0]
    return with_safety(text, mentions, tax)


SAFETY_CLASS = "food_safety"     # the sensitive-word class whose hits are a 食品安全 complaint


def with_safety(text: str, mentions: list[Mention], tax: Taxonomy | None = None) -> list[Mention]:
    """``mentions`` with the food-safety touchpoint made negative where a high-severity food-safety sensitive hit
    that is not negated (``cx.text.sensitive``: 「打了点滴」, "ended up in the ER", 「吃了不干净的」) stands: a
    food-safety mention of the hit's clause that is not negative becomes −1, and when the text has no negative
    food-safety mention at all one is added for that clause (keyword: the matched words). The sensitive list
    reads symptoms, medical care and English phrasings the touchpoint keywords do not, and a text capped as
    never positive must not leave 痛点分析 without its 食品安全 complaint. Returns ``mentions`` itself when
    nothing changes; the order stays by clause start."""
    tax = tax or default()
    tp = tax.by_id.get(SAFETY_CLASS)
    if tp is None or not text:
        return mentions
    hits = [h for h in sensitive.find(text) if h.cls == SAFETY_CLASS and h.severity == "high"
            and not sensitive.negated(text, h)]
    if not hits:
        return mentions
    spans = clauses.split(text)
    out, changed = list(mentions), False
    for h in hits:
        a, b = next(((a, b) for a, b in spans if a <= h.start < b), (h.start, h.start + len(h.word)))
        same = [i for i, m in enumerate(out) if m.touchpoint == tp.id and m.start <= h.start < m.end]
        for i in same:
            if out[i].polarity >= 0:
                m = out[i]
                out[i] = Mention(m.stage, m.touchpoint, -1, m.clause, m.start, m.end, m.keyword)
                changed = True
        if not same and not any(m.touchpoint == tp.id and m.polarity < 0 for m in out):
            out.append(Mention(tp.stage, tp.id, -1, text[a:b].strip(), a, b, h.word))
            changed = True
    if not changed:
        return mentions
    out.sort(key=lambda m: m.start)
    return out


def summary(mentions: list[Mention]) -> dict[str, int]:
    """One polarity per touchpoint for a whole text: the sign of the summed clause polarities.

    Long reviews praise and criticise the same touchpoint in passing; the balance, not any single
    negative clause, is what a reader (and the AIC-2018 annotators) takes away. Ties are neutral.
    """
    sums: dict[str, int] = {}
    for m in mentions:
        sums[m.touchpoint] = sums.get(m.touchpoint, 0) + m.polarity
    return {tp: (s > 0) - (s < 0) for tp, s in sums.items()}
