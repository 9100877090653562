"""The text pipeline's outputs must not change when it is only made faster.

``tests/fixtures/text_pipeline_frozen.json`` holds, per input text (keyed by a hash of the text), the document
sentiment and a digest of everything else ``cx.text.analyze_batch`` returns (label, mentions with clause spans,
keywords, negative keywords, sensitive hits), frozen from the pipeline before the throughput work of #17.
The texts are the sentiment challenge set, hand-written edge cases, and — when ../shared is present — a
few hundred real reviews and service dialogues (the fixture stores hashes only, no corpus text).

The outputs depend on the text configuration (taxonomy, lexicons, models): when ``cx.text.config.fingerprint()``
differs from the frozen one the comparison is skipped with that reason. After an intended change of outputs,
re-freeze:  .venv/bin/python -m tests.text.test_pipeline_frozen --freeze
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import pytest

from cx import text
from cx.text import config

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "text_pipeline_frozen.json"
SHARED = ROOT.parent / "shared" / "realdata"

EDGE = [
    "", "   ", "好", "👍👍👍", "😡😡😡", "[强][强]", "[微笑][捂脸]", ":) 不错", "The waiter was rude and the food was cold.",
    "味道ok，但是 too salty", "難食，唔會再嚟", "好味，抵食", "客服：您好，很高兴为您服务。顾客：昨天吃完拉肚子了，要去12315投诉。",
    "您好，很高兴为您服务\n我点的外卖一个小时还没到\n非常抱歉给您带来不便\n太慢了，退款吧",
    "等位等了25分钟，上菜倒是很快", "外卖等了一个小时才送到，汤都洒了", "人均60左右不算贵", "不能说不好吃",
    "菜很好吃但是上菜太慢", "服务员态度一点都不差，环境也干净", "没有想象中那么好吃", "好好好好吃！！！",
    "ＡＢＣ全角字符，价格１２３元", "停车很方便，但愿下次还有位置", "第一次来，朋友推荐的，海鲜很新鲜，凉菜一般",
]


def _key(t: str) -> str:
    return hashlib.sha1(t.encode("utf-8")).hexdigest()[:16]


def _digest(a: text.Analysis) -> str:
    body = repr((a.label, [(m.stage, m.touchpoint, m.polarity, m.clause, m.start, m.end, m.keyword) for m in a.mentions],
                 a.keywords, a.neg_keywords, [(h.cls, h.label, h.severity, h.word, h.start) for h in a.sensitive]))
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def _shared_texts() -> list[str]:
    """A deterministic sample of real texts outside the first 2 000 of each corpus (the benchmark's)."""
    import pandas as pd

    short = pd.read_csv(SHARED / "waimai_dev.csv")["review"].dropna().astype(str).tolist()
    long = pd.read_csv(SHARED / "aic2018_dev.csv")["content"].dropna().astype(str).tolist()
    shop = pd.read_csv(SHARED / "online_shopping_10_cats.csv")["review"].dropna().astype(str).tolist()
    out = short[2000::len(short) // 150][:150] + long[::max(1, len(long) // 150)][:150] + shop[::len(shop) // 100][:100]
    with open(SHARED / "helpdesk_dialogues.jsonl", encoding="utf-8") as f:
        dialogues = [json.loads(line) for _, line in zip(range(60), f)]
    for d in dialogues:       # one line per turn with speaker tags, as an import of a chat log stores it
        out.append("\n".join(f"{'客服' if t.get('sender') == 'helper' else '顾客'}：{t.get('text', '')}"
                             for t in d["turns"]))
    return out


def corpus() -> list[str]:
    texts = list(EDGE)
    with open(ROOT / "tests" / "fixtures" / "sentiment_challenge.csv", encoding="utf-8") as f:
        texts += [r["text"] for r in csv.DictReader(f)]
    if SHARED.exists():
        texts += _shared_texts()
    return list(dict.fromkeys(texts))


def freeze() -> None:
    texts = corpus()
    text.clear_caches()
    out = text.analyze_batch(texts)
    FIXTURE.write_text(json.dumps({
        "fingerprint": config.fingerprint(),
        "outputs": {_key(t): [a.sentiment, _digest(a)] for t, a in zip(texts, out)},
    }, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"froze {len(texts)} texts into {FIXTURE}")


@pytest.fixture(scope="module")
def frozen() -> dict:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if doc["fingerprint"] != config.fingerprint():
        pytest.skip("text configuration (taxonomy/lexicons/models) differs from the frozen one; re-freeze with "
                    "python -m tests.text.test_pipeline_frozen --freeze after checking the change is intended")
    return doc["outputs"]


def _check(texts: list[str], got: list[text.Analysis], frozen: dict) -> int:
    compared, bad = 0, []
    for t, a in zip(texts, got):
        want = frozen.get(_key(t))
        if want is None:
            continue
        compared += 1
        if abs(a.sentiment - want[0]) > 1e-9 or _digest(a) != want[1]:
            bad.append((t[:60], a))
    assert not bad, f"{len(bad)} texts analysed differently from the frozen pipeline, e.g. {bad[:2]}"
    return compared


def test_batch_outputs_equal_the_frozen_pipeline(frozen):
    texts = corpus()
    text.clear_caches()
    n = _check(texts, text.analyze_batch(texts), frozen)
    assert n >= len(EDGE) + 80


def test_outputs_do_not_depend_on_batch_composition_or_warm_caches(frozen):
    """One text at a time, in reverse order, with caches warm from the previous test: the same outputs."""
    texts = corpus()[::-1][:120]
    assert _check(texts, [text.analyze_batch([t])[0] for t in texts], frozen) == len(texts)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/realdata is absent (real reviews for the comparison)")
def test_real_texts_are_part_of_the_comparison(frozen):
    texts = _shared_texts()
    assert sum(_key(t) in frozen for t in texts) >= 400
    assert _check(texts, text.analyze(texts, workers=2), frozen) >= 400


if __name__ == "__main__":
    if "--freeze" in sys.argv:
        freeze()
    else:
        print(__doc__)
