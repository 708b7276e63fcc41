"""Benchmark of the scorer: time against the number of predicted articles.

``python -m quotestance.evaluation.bench --sizes 1000,10000,100000``

Gold articles are copies (with new ids) of the shipped corpus's articles, or of synthetic
articles when the corpus is absent; predictions are deterministic noisy copies of the gold
(boundaries moved, quotes dropped, speakers and labels changed, spurious quotes). Reading the
prediction file is timed separately from scoring. Prints one line per size (wall and CPU time of reading plus scoring) and a JSON summary;
CPU time is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from typing import Any

LABELS = ("favor", "against", "neutral")


def templates() -> tuple[list[dict[str, Any]], str]:
    from ..corpus import CorpusError, iter_article_dicts, resolve_files

    try:
        files = [f for f in resolve_files() if f.is_file()]
        arts = list(iter_article_dicts(files)) if files else []
    except CorpusError:
        arts = []
    if arts:
        return arts, f"shipped corpus ({len(arts)} articles)"
    return [_synthetic(random.Random(i), i) for i in range(20)], "synthetic (20 articles)"


def _synthetic(rnd: random.Random, i: int) -> dict[str, Any]:
    words = [rnd.choice("the minister said talks will fail succeed soon never again".split())
             for _ in range(500)]
    text = " ".join(words)
    pos = [sum(len(w) + 1 for w in words[:k]) for k in range(len(words))]
    quotes = []
    for k in range(15):
        a = 30 * k + rnd.randrange(0, 10)
        b = a + rnd.randrange(3, 20)
        quotes.append({"id": f"q{k}", "start": pos[a], "end": pos[b - 1] + len(words[b - 1]),
                       "type": rnd.choice(("direct", "indirect", "mixed")),
                       "speaker": rnd.choice(("e1", "e2")),
                       "stances": [{"target": "t1", "label": rnd.choice(LABELS)}]})
    return {"id": f"syn{i}", "text": text,
            "entities": [{"id": "e1", "name": "A", "aliases": [], "kb_id": None},
                         {"id": "e2", "name": "B", "aliases": [], "kb_id": None}],
            "targets": [{"id": "t1", "name": "talks", "category": "trade"}], "quotes": quotes}


def predict(rnd: random.Random, gold: dict[str, Any]) -> dict[str, Any]:
    ents = [e["id"] for e in gold["entities"]] or [None]
    out = []
    for q in gold["quotes"]:
        r = rnd.random()
        if r < 0.15:
            continue
        start, end = q["start"], q["end"]
        if r < 0.4:
            start = min(end - 1, start + rnd.randrange(0, 6))
        out.append({"start": start, "end": end, "type": q["type"],
                    "speaker": q["speaker"] if rnd.random() < 0.8 else rnd.choice(ents),
                    "stances": [{"target": s["target"],
                                 "label": s["label"] if rnd.random() < 0.7 else rnd.choice(LABELS)}
                                for s in q["stances"]]})
    if gold["text"] and rnd.random() < 0.5:
        out.append({"start": 0, "end": min(20, len(gold["text"])), "stances": []})
    return {"id": gold["id"], "quotes": out}


def run(n: int, tpls: list[dict[str, Any]], bootstrap: int) -> dict[str, float]:
    from .predictions import load_predictions
    from .scorer import evaluate_articles

    rnd = random.Random(n)
    gold = [{**tpls[i % len(tpls)], "id": f"bench-{i}"} for i in range(n)]
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for g in gold:
                f.write(json.dumps(predict(rnd, g), ensure_ascii=False) + "\n")
        c0, t0 = time.process_time(), time.perf_counter()
        preds = load_predictions(path)
        t1 = time.perf_counter()
        res = evaluate_articles(gold, preds, bootstrap=bootstrap)
        c2, t2 = time.process_time(), time.perf_counter()
    finally:
        os.unlink(path)
    return {"articles": n, "quotes": res.counts.get("quotes.pred", 0), "read_s": t1 - t0,
            "score_s": t2 - t1, "cpu_s": c2 - c0, "us_per_article": 1e6 * (t2 - t0) / n,
            "cpu_us_per_article": 1e6 * (c2 - c0) / n,
            "exact_f1": res.scores["quotes.exact.f1"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--bootstrap", type=int, default=0)
    args = ap.parse_args(argv)
    tpls, source = templates()
    print(f"gold templates: {source}; bootstrap {args.bootstrap}", file=sys.stderr)
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        r = run(n, tpls, args.bootstrap)
        rows.append(r)
        print(f"{n:>8} articles {int(r['quotes']):>9} predicted quotes  read {r['read_s']:7.2f} s"
              f"  score {r['score_s']:7.2f} s  {r['us_per_article']:8.1f} us/article"
              f"  (cpu {r['cpu_us_per_article']:.1f} us/article)",
              file=sys.stderr)
    print(json.dumps({"source": source, "bootstrap": args.bootstrap, "runs": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
