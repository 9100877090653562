"""CPU cost of the learned mention model (cx/text/mention.py) inside the text pipeline, in one run.

    .venv/bin/python benchmarks/mention_cost.py [--n 2000] [--rounds 3] [--model cx/text/models/mention.npz]

The same unique texts as benchmarks/text_speed.py (half short delivery reviews, half long restaurant reviews;
the model only reads texts of aspect.MIN_CHARS characters or more) are analysed in one process
(``cx.text.analyze_batch``, cold caches each round) with the mention model and with it absent (the
touchpoint-polarity model stays on in both); plain ``jieba.lcut`` is timed in the same alternating rounds.
CPU seconds, best of the rounds; the ratios are what matters on a shared machine.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None)
    a = ap.parse_args()
    import jieba

    import text_speed
    from cx import text
    from cx.text import mention

    data, src, _ = text_speed.texts(a.n)
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    model = a.model or mention.MODEL_FILE
    absent = Path(tempfile.mkdtemp()) / "absent.npz"
    text.analyze_batch(["预热文本，味道不错，" * 20])
    best = {"jieba": float("inf"), "with": float("inf"), "without": float("inf")}
    for r in range(a.rounds):
        c0 = time.process_time()
        for x in data:
            jieba.lcut(x)
        best["jieba"] = min(best["jieba"], time.process_time() - c0)
        for name, path in (("with", model), ("without", absent))[::1 if r % 2 else -1]:   # alternate the order
            text.clear_caches()
            with mention.model_file(path):
                c0 = time.process_time()
                text.analyze_batch(data)
                best[name] = min(best[name], time.process_time() - c0)
    # the model's own step alone (noise-free): the same call tagger.learned makes, on the long texts' hits
    from cx.text import aspect, tagger

    hits = []
    for t in (x for x in data if len(x) >= aspect.MIN_CHARS):
        h: dict[str, list[str]] = {}
        for s, e, tp, _ in tagger.candidates(t):
            h.setdefault(tp, []).append(t[s:e].strip())
        hits.append(h)
    step = float("inf")
    with mention.model_file(model):
        for _ in range(5):
            c0 = time.process_time()
            mention.dropped(hits)
            step = min(step, time.process_time() - c0)
    print(f"texts: {len(data):,} unique ({src}); model {model}")
    print(f"the model's step alone (mention.dropped on {len(hits):,} long texts): {step * 1000:.1f} ms CPU, "
          f"{step / best['without']:.1%} of the pipeline's CPU time")
    print(f"CPU seconds, best of {a.rounds}: jieba.lcut {best['jieba']:.2f}, pipeline without mention model "
          f"{best['without']:.2f}, with {best['with']:.2f}")
    print(f"ratio vs jieba.lcut (1 process, CPU): without {best['jieba'] / best['without']:.3f}x, "
          f"with {best['jieba'] / best['with']:.3f}x; mention model adds "
          f"{best['with'] / best['without'] - 1:+.1%} CPU time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
