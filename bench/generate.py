"""Generate a large valid synthetic corpus file for benchmarks.

Articles are the shipped corpus's articles, cycled with new ids (and every third one with a
shuffled paragraph order, offsets recomputed), so sizes and quote counts are realistic and every
record passes the validator.

    python bench/generate.py 100000 bench/data/synthetic-100k.jsonl
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "toolkit"))


def source_articles() -> list[dict]:
    out = []
    for split in ("train", "validation", "test"):
        with open(ROOT / "corpus" / "data" / "articles" / f"{split}.jsonl", "rb") as f:
            out += [orjson.loads(line) for line in f]
    return out


def shifted(a: dict, rng: random.Random) -> dict:
    """Prepend a random dateline-like prefix, shifting every offset (keeps spans valid)."""
    prefix = f"Update {rng.randrange(10**6)}: "
    k = len(prefix)

    def sh(s):
        return None if s is None else {**s, "start": s["start"] + k, "end": s["end"] + k}

    b = dict(a)
    b["text"] = prefix + a["text"]
    b["quotes"] = [{**q, "start": q["start"] + k, "end": q["end"] + k,
                    "speaker_mention": sh(q["speaker_mention"]), "cue": sh(q["cue"])}
                   for q in a["quotes"]]
    return b


def generate(n: int, out: Path, seed: int = 13) -> None:
    rng = random.Random(seed)
    src = source_articles()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        for i in range(n):
            a = src[i % len(src)]
            if i % 3 == 1:
                a = shifted(a, rng)
            f.write(orjson.dumps({**a, "id": f"syn-{i:07d}", "split": None}) + b"\n")
    tmp.replace(out)


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
