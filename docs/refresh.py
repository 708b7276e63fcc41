"""Refresh the generated blocks of README.md and docs/baselines.md from command output, never
by hand.

    quotestance benchmark -o docs/results/benchmark.json   # the numbers (about a minute)
    python docs/refresh.py                # README and baselines blocks from that JSON + stats
    python docs/refresh.py --check        # exit 1 when a block is stale

``tests/test_docs.py`` fails when a block is stale, and (slow) reruns the benchmark to check that
the committed JSON is what the command produces.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BASELINES = ROOT / "docs" / "baselines.md"
DOCS = (README, BASELINES)
"""Files with generated blocks: ``<!-- generated:NAME ... -->`` ... ``<!-- /generated:NAME -->``."""
RESULTS = ROOT / "docs" / "results" / "benchmark.json"


def _cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "quotestance", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def blocks() -> dict[str, str]:
    stats = json.loads(_cli("stats", "corpus", "--format", "json"))["all"]
    summary = (f"Corpus {(ROOT / 'corpus' / 'VERSION').read_text().strip()}: "
               f"{stats['articles']} articles ({stats['articles_real']} real, "
               f"{stats['articles_constructed']} constructed), {stats['quotes']:,} quotations, "
               f"{stats['stance_pairs']:,} (quote, target) stance pairs, {stats['outlets']} "
               f"outlets, {stats['genres']} genres (`quotestance stats corpus`).")
    bench = _cli("benchmark", "--from-json", str(RESULTS.relative_to(ROOT)), "-f", "markdown")
    return {"summary": summary,
            "benchmark": bench.replace("### ", "#### ").strip(),  # README: under a ###
            "baselines": bench.strip()}                           # docs/baselines.md: a ##


def block_names(text: str) -> list[str]:
    return re.findall(r"<!-- generated:([\w-]+) ", text)


def render(text: str, made: dict[str, str] | None = None) -> str:
    """``text`` with every generated block it holds refilled (README.md, docs/baselines.md)."""
    made = made if made is not None else blocks()
    for name in block_names(text):
        if name not in made:
            raise KeyError(f"unknown generated block {name!r}")
        pat = re.compile(rf"(<!-- generated:{name} [^>]*-->\n).*?(<!-- /generated:{name} -->)",
                         re.S)
        text = pat.sub(lambda m: m.group(1) + made[name] + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    made = blocks()
    stale = []
    for doc in DOCS:
        current = doc.read_text(encoding="utf-8")
        new = render(current, made)
        if new != current:
            stale.append(doc)
            if "--check" not in sys.argv:
                doc.write_text(new, encoding="utf-8")
    if "--check" in sys.argv:
        for doc in stale:
            print(f"{doc.relative_to(ROOT)} is stale: run python docs/refresh.py", file=sys.stderr)
        sys.exit(1 if stale else 0)
