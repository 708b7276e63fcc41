"""Speed and memory of the baselines (a benchmark, not a test).

    .venv/bin/python bench/bench_baselines.py [--articles 100000]

1. Rule-based extractor throughput on one core (articles/s) over the shipped corpus (or the
   seed article) repeated.
2. ``predict_file`` over a synthetic JSONL of N articles (corpus texts with new ids), in a
   child process, with its peak RSS after 10% and after 100% of the input: flat memory means
   the two are about equal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[str]:
    files = sorted((ROOT / "corpus" / "data" / "articles").glob("*.jsonl")) or \
        [ROOT / "tests" / "fixtures" / "baselines" / "seed.jsonl"]
    return [json.loads(line)["text"] for f in files for line in open(f, encoding="utf-8")]


def throughput(n: int = 5000) -> None:
    from quotestance_baselines.quotes_rules import extract

    ts = texts()
    chars = sum(len(t) for t in ts) / len(ts)
    t0 = time.perf_counter()
    for i in range(n):
        extract(ts[i % len(ts)])
    dt = time.perf_counter() - t0
    print(f"rules-quotes: {n} articles (mean {chars:.0f} chars) in {dt:.2f}s = "
          f"{n / dt:.0f} articles/s on one core")


def child(inp: str, out: str, n: int) -> None:
    from quotestance.systems import get_system, predict_file

    marks = []

    def progress(msg: str) -> None:
        marks.append((msg, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    t0 = time.perf_counter()
    predict_file(get_system("rules-quotes"), inp, out, progress=progress, every=n // 10)
    dt = time.perf_counter() - t0
    first, last = marks[0], marks[-1]
    print(f"predict rules-quotes: {n} articles in {dt:.1f}s ({n / dt:.0f}/s); peak RSS "
          f"{first[1] / 1024:.0f} MiB after {first[0].split(': ')[1]}, "
          f"{last[1] / 1024:.0f} MiB after {last[0].split(': ')[1]}")


def memory(n: int) -> None:
    ts = texts()
    with tempfile.TemporaryDirectory() as d:
        inp, out = os.path.join(d, "in.jsonl"), os.path.join(d, "out.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for i in range(n):
                f.write(json.dumps({"id": f"syn-{i}", "text": ts[i % len(ts)]}) + "\n")
        subprocess.run([sys.executable, __file__, "--child", inp, out, str(n)], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--child", nargs=3)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], a.child[1], int(a.child[2]))
        return
    throughput()
    memory(a.articles)


if __name__ == "__main__":
    main()
