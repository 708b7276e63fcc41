"""The dataset card's generated parts: the Hugging Face YAML header and the statistics block.

``python -m quotestance.card --write`` refreshes ``corpus/README.md`` in place (atomically);
``tests/test_card.py`` fails when the card is stale. The prose between the generated blocks is
written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

STATS_BEGIN = "<!-- generated:stats (python -m quotestance.card --write) -->"
STATS_END = "<!-- /generated:stats -->"
AGREEMENT_BEGIN = "<!-- generated:agreement (python -m quotestance.card --write) -->"
AGREEMENT_END = "<!-- /generated:agreement -->"
AGREEMENT_ARGS = ("agreement", "agreement/first.jsonl", "agreement/second.jsonl",
                  "--format", "markdown", "--bootstrap", "1000")


def yaml_header() -> str:
    import datasets
    import yaml

    from .format import hf_features
    from .labels import SPLITS

    configs: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    for view in ("articles", "quotes"):
        cfg: dict[str, Any] = {"config_name": view}
        if view == "articles":
            cfg["default"] = True
        cfg["data_files"] = [{"split": s, "path": f"data/{view}/{s}.jsonl"} for s in SPLITS]
        configs.append(cfg)
        info = datasets.DatasetInfo(features=hf_features(view), config_name=view)
        infos.append(info._to_yaml_dict())
    head = {
        "pretty_name": "QuoteStance",
        "language": ["en"],
        "license": "cc-by-4.0",
        "task_categories": ["token-classification", "text-classification"],
        "tags": ["quotation-extraction", "quote-attribution", "stance-detection", "news"],
        "size_categories": ["n<1K"],
        "configs": configs,
        "dataset_info": infos,
    }
    return "---\n" + yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100) + "---\n"


def stats_block(root: Path) -> str:
    from .corpus import iter_article_dicts, resolve_files
    from .stats import compute, render_text

    s = compute(iter_article_dicts(resolve_files(None, root)))
    return (f"{STATS_BEGIN}\n\nProduced by `quotestance stats corpus --format markdown`.\n\n"
            f"{render_text(s, markdown=True)}\n{STATS_END}")


def agreement_block(root: Path) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "quotestance", *AGREEMENT_ARGS], cwd=root,
                         check=True, capture_output=True, text=True).stdout
    out = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", out, flags=re.M)
    return (f"{AGREEMENT_BEGIN}\n\nProduced by `cd corpus && quotestance "
            f"{' '.join(AGREEMENT_ARGS)}`.\n\n{out.strip()}\n\n{AGREEMENT_END}")


def _replace(body: str, begin: str, end: str, make) -> str:
    if begin in body and end in body:
        pre, rest = body.split(begin, 1)
        _, post = rest.split(end, 1)
        body = pre + make() + post
    return body


def render(card: str, root: Path) -> str:
    body = re.sub(r"\A---\n.*?\n---\n", "", card, count=1, flags=re.S)
    body = _replace(body, STATS_BEGIN, STATS_END, lambda: stats_block(root))
    body = _replace(body, AGREEMENT_BEGIN, AGREEMENT_END, lambda: agreement_block(root))
    return yaml_header() + body


def main(argv: list[str] | None = None) -> int:
    from .jsonl import atomic_writer
    from .paths import corpus_dir

    argv = sys.argv[1:] if argv is None else argv
    root = corpus_dir()
    path = root / "README.md"
    current = path.read_text(encoding="utf-8")
    new = render(current, root)
    if new == current:
        return 0
    if "--write" in argv:
        with atomic_writer(path) as f:
            f.write(new.encode("utf-8"))
        return 0
    print(f"{path} is stale: run python -m quotestance.card --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
