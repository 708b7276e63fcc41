"""Generate large valid synthetic corpora (and the inputs derived from them) for benchmarks.

Articles are the shipped corpus's articles (the seed fixture on a checkout without a corpus),
cycled with new ids (and every third one with a prefix that shifts every offset), so sizes and
quote counts are realistic and every record passes the validator.

    python bench/generate.py 100000 bench/data/synthetic-100k.jsonl

``ensure(n, folder)`` makes, when missing or stale, everything the suite needs for ``n``
articles: the gold corpus, the text-only ``predict`` input, noisy predictions for ``evaluate``
and sharded copies of the corpus and of the text input for the distributed engine.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "toolkit"))

GENERATOR_VERSION = 2
FALLBACK = ROOT / "tests" / "fixtures" / "baselines" / "seed.jsonl"


def source_files() -> list[Path]:
    files = [ROOT / "corpus" / "data" / "articles" / f"{s}.jsonl"
             for s in ("train", "validation", "test")]
    files = [f for f in files if f.is_file()]
    return files or [FALLBACK]


def source_articles() -> list[dict]:
    out = []
    for path in source_files():
        with open(path, "rb") as f:
            out += [orjson.loads(line) for line in f if line.strip()]
    return out


def fingerprint() -> str:
    """Changes when the source articles or this generator change (stale data is remade)."""
    h = hashlib.sha256(f"v{GENERATOR_VERSION}".encode())
    for p in source_files():
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


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


def _write(out: Path, lines) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as f:
        for line in lines:
            f.write(line)
    tmp.replace(out)


def generate(n: int, out: Path, seed: int = 13) -> None:
    """``n`` valid gold articles (ids ``syn-0000000`` ...) written to ``out``."""
    rng = random.Random(seed)
    src = source_articles()

    def lines():
        for i in range(n):
            a = src[i % len(src)]
            if i % 3 == 1:
                a = shifted(a, rng)
            yield orjson.dumps({**a, "id": f"syn-{i:07d}", "split": None}) + b"\n"

    _write(out, lines())


def text_inputs(corpus: Path, out: Path) -> None:
    """What ``predict`` gets in real use: id, title, text and the targets, no labels."""
    def lines():
        with open(corpus, "rb") as f:
            for line in f:
                a = orjson.loads(line)
                yield orjson.dumps({"id": a["id"], "title": a["title"], "text": a["text"],
                                    "targets": a["targets"]}) + b"\n"

    _write(out, lines())


def predictions(corpus: Path, out: Path, seed: int = 7) -> None:
    """Deterministic noisy predictions of the corpus (the scorer benchmark's noise model:
    moved boundaries, dropped and spurious quotes, changed speakers and labels)."""
    from quotestance.evaluation.bench import predict

    rnd = random.Random(seed)

    def lines():
        with open(corpus, "rb") as f:
            for line in f:
                yield orjson.dumps(predict(rnd, orjson.loads(line))) + b"\n"

    _write(out, lines())


def shards(corpus: Path, folder: Path, k: int) -> list[Path]:
    """Split the corpus into ``k`` shard files of consecutive lines (a sharded archive)."""
    with open(corpus, "rb") as f:
        total = sum(1 for _ in f)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.jsonl"):
        old.unlink()
    per = max(1, -(-total // k))
    paths = [folder / f"part-{i:04d}.jsonl" for i in range(k)]
    with open(corpus, "rb") as f:
        for i, p in enumerate(paths):
            _write(p, (line for _, line in zip(range(per), f)))
    for p in paths:
        if not p.stat().st_size:  # fewer lines than shards
            p.unlink()
    return [p for p in paths if p.exists()]


def ensure(n: int, folder: Path, n_shards: int = 8, log=print) -> dict[str, Path]:
    """Paths of the benchmark data for ``n`` articles, generated when missing or stale."""
    tag = f"syn-{n // 1000}k" if n % 1000 == 0 else f"syn-{n}"
    paths = {"gold": folder / f"{tag}.jsonl", "text": folder / f"{tag}.text.jsonl",
             "pred": folder / f"{tag}.pred.jsonl", "shards": folder / f"{tag}.shards",
             "text_shards": folder / f"{tag}.text-shards"}
    stamp = folder / f"{tag}.meta.json"
    want = {"n": n, "fingerprint": fingerprint(), "shards": n_shards}
    try:
        fresh = json.loads(stamp.read_text()) == want and all(
            p.exists() for p in paths.values())
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        log(f"generating {n} synthetic articles in {folder} ...")
        generate(n, paths["gold"])
        text_inputs(paths["gold"], paths["text"])
        predictions(paths["gold"], paths["pred"])
        shards(paths["gold"], paths["shards"], n_shards)
        shards(paths["text"], paths["text_shards"], n_shards)
        stamp.write_text(json.dumps(want))
    return paths


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
