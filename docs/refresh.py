"""Refresh the generated blocks of README.md from command output, never by hand.

    quotestance benchmark -o docs/results/benchmark.json   # the numbers (about a minute)
    python docs/refresh.py                                # README blocks from that JSON + stats

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
    bench = bench.replace("### ", "#### ")
    return {"summary": summary, "benchmark": bench.strip()}


def render(text: str) -> str:
    for name, body in blocks().items():
        pat = re.compile(rf"(<!-- generated:{name} [^>]*-->\n).*?(<!-- /generated:{name} -->)",
                         re.S)
        text = pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    new = render(current)
    if "--check" in sys.argv:
        sys.exit(0 if new == current else 1)
    README.write_text(new, encoding="utf-8")
