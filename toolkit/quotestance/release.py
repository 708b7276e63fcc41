"""Building and growing the corpus: split assignment, release build, ``corpus add``.

Every write goes to a temporary file renamed into place, so an interrupted command leaves the
corpus as it was (at worst with stale views, which the validator reports).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import CorpusError, iter_article_dicts, split_file
from .corpus_checks import MANIFEST, find_leaks, load_registry, manifest_files, sha256_file
from .jsonl import atomic_writer, dumps
from .labels import SPLITS
from .records import canonical
from .staging import Staging, recover

# 70/10/20 in a fixed pattern of ten slots, walked within each stratum.
SLOTS = ("train", "train", "test", "train", "validation", "train", "train", "test", "train",
         "train")


def primary_category(article: dict[str, Any]) -> str:
    cats = {t["id"]: t.get("category") for t in article["targets"]}
    c = Counter(cats.get(s["target"]) or "none" for q in article["quotes"] for s in q["stances"])
    return min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else "none"


def _safe_name(article_id: str) -> str:
    import re

    stem = re.sub(r"[^\w.-]+", "_", article_id).strip("._") or "article"
    return f"{stem}-{_h(article_id)[:8]}" if stem != article_id else stem


def _h(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def assign_splits(articles: list[dict[str, Any]], fixed: dict[str, str]) -> dict[str, str]:
    """Split per article id: ``fixed`` entries are kept; new articles are assigned 70/10/20,
    stratified by outlet and primary target category; real articles go to test."""
    out = dict(fixed)
    new = [a for a in articles if a["id"] not in fixed]
    for a in new:
        if a.get("provenance") == "real":
            out[a["id"]] = "test"
    rest = sorted((a for a in new if a["id"] not in out),
                  key=lambda a: (primary_category(a), a.get("outlet") or "", _h(a["id"])))
    for i, a in enumerate(rest):
        out[a["id"]] = SLOTS[i % len(SLOTS)]
    return out


CONTRIB = Path("sources") / "contrib"


def publish(root: Path, articles: dict[str, list[dict[str, Any]]] | None = None,
            contributions: list[dict[str, Any]] = ()) -> dict[str, int]:
    """Write new article files (``articles``, per split; the others are kept), regenerate the
    quote view and rewrite the manifest, all or nothing. ``contributions`` (added articles) are
    also kept as source records under ``sources/contrib/`` with their split in ``splits.json``,
    so that ``corpus build`` rebuilds them. Returns quote rows per split."""
    import hashlib

    from .format import quote_rows

    recover(root)
    stage = Staging(root)
    digests: dict[Path, str] = {}
    counts: dict[str, int] = {}
    try:
        for s in SPLITS:
            path = split_file(s, root)
            if articles is not None and s in articles:
                arts = articles[s]
                h = hashlib.sha256()
                with stage.open(path) as f:
                    for a in arts:
                        b = dumps(a)
                        f.write(b)
                        h.update(b)
                digests[path] = h.hexdigest()
            else:
                arts = list(iter_article_dicts([path]))
            h = hashlib.sha256()
            rows = 0
            qpath = split_file(s, root, view="quotes")
            with stage.open(qpath) as f:
                for a in arts:
                    for r in quote_rows(a):
                        b = dumps(r)
                        f.write(b)
                        h.update(b)
                        rows += 1
            digests[qpath] = h.hexdigest()
            counts[s] = rows
        files = manifest_files(root, set(digests))
        text = "".join(f"{digests.get(p) or sha256_file(p)}  {p.relative_to(root).as_posix()}\n"
                       for p in files)
        with stage.open(root / MANIFEST) as f:
            f.write(text.encode())
        if contributions:
            splits_file = root / "splits.json"
            mapping = json.loads(splits_file.read_text(encoding="utf-8")) \
                if splits_file.exists() else {}
            for a in contributions:
                mapping[a["id"]] = a["split"]
                with stage.open(root / CONTRIB / f"{_safe_name(a['id'])}.json") as f:
                    f.write(json.dumps(a, ensure_ascii=False, indent=1).encode() + b"\n")
            with stage.open(splits_file) as f:
                ordered = {k: mapping[k] for k in sorted(mapping)}
                f.write((json.dumps(ordered, indent=1) + "\n").encode())
    except BaseException:
        stage.abort()
        raise
    stage.commit()
    return counts


def build(root: Path, sources: Path, splits_file: Path, assign_new: bool,
          drop_unsourced: bool = False) -> dict[str, int]:
    """Align every authoring file under ``sources`` and write the release files of ``root``."""
    from .align import align_paths

    res = align_paths([sources], registry=load_registry(root))
    if not res.ok:
        lines = res.problems + [i.render() for i in res.incidents if i.level == "error"]
        raise CorpusError("alignment failed:\n" + "\n".join(lines))
    built = {a["id"] for a in res.articles}
    unsourced = sorted(d["id"] for s in SPLITS if split_file(s, root).is_file()
                       for d in iter_article_dicts([split_file(s, root)], validate=False)
                       if d["id"] not in built)
    if unsourced and not drop_unsourced:
        raise CorpusError(f"{len(unsourced)} article(s) of the data files have no source under "
                          f"{sources} (first: {unsourced[0]}); a build would drop them. Add "
                          f"them with `quotestance corpus add` (which keeps a source record), or "
                          f"pass --drop-unsourced to drop them on purpose")
    fixed = json.loads(splits_file.read_text(encoding="utf-8")) if splits_file.exists() else {}
    missing = [a["id"] for a in res.articles if a["id"] not in fixed]
    if missing and not assign_new:
        raise CorpusError(f"{len(missing)} article(s) have no split in {splits_file} "
                          f"(first: {missing[0]}); pass --assign-new to assign them")
    mapping = assign_splits(res.articles, fixed)
    by_split: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for a in sorted(res.articles, key=lambda a: a["id"]):
        a["split"] = mapping[a["id"]]
        by_split[a["split"]].append(a)
    ordered = {k: mapping[k] for k in sorted(mapping)}
    with atomic_writer(splits_file) as f:
        f.write((json.dumps(ordered, indent=1) + "\n").encode())
    publish(root, by_split)
    return {s: len(a) for s, a in by_split.items()}


@dataclass
class AddResult:
    added: int = 0
    problems: list[str] = field(default_factory=list)


def add(root: Path, file: Path, split: str) -> AddResult:
    """Add a contributor's validated articles to ``split`` of the corpus at ``root``.

    Refuses invalid files, id clashes and near-duplicate texts; rewrites the split file, the
    quote view and the manifest, each atomically.
    """
    from .incidents import Incident
    from .jsonl import read_lines
    from .validate import check_article

    if split not in SPLITS:
        raise CorpusError(f"The 'split' parameter must be one of {set(SPLITS)}. "
                          f"Got {split!r} instead.")
    res = AddResult()
    recover(root)
    registry = load_registry(root)
    incidents: list[Incident] = []
    new: list[tuple[int, dict[str, Any]]] = []
    for ln in read_lines(file, incidents):
        if check_article(ln.obj, ln.path, ln.lineno, incidents, registry):
            new.append((ln.lineno, ln.obj))
    res.problems += [i.render() for i in incidents if i.level == "error"]
    existing: dict[str, tuple[str, dict[str, Any]]] = {}
    for s in SPLITS:
        for d in iter_article_dicts([split_file(s, root)], validate=False):
            existing[d["id"]] = (s, d)
    seen: set[str] = set()
    for lineno, d in new:
        if d["id"] in existing:
            res.problems.append(f"{file}:{lineno}: article id {d['id']!r} is already in split "
                                f"{existing[d['id']][0]!r}")
        if d["id"] in seen:
            res.problems.append(f"{file}:{lineno}: article id {d['id']!r} appears twice")
        seen.add(d["id"])
        if d.get("split") not in (None, split):
            res.problems.append(f"{file}:{lineno}: article split is {d['split']!r}, "
                                f"adding to {split!r}")
    items = [(s, i, "corpus", 0, d["text"]) for i, (s, d) in existing.items()]
    items += [("(new)", d["id"], str(file), ln, d["text"]) for ln, d in new]
    for a, b, jac in find_leaks(items, threshold=0.8):
        if "(new)" in (a[0], b[0]):
            na, old = (a, b) if a[0] == "(new)" else (b, a)
            res.problems.append(f"{na[2]}:{na[3]}: article {na[1]!r} shares {100 * jac:.0f}% of "
                                f"its text with {old[1]!r} ({old[0]})")
    if res.problems:
        return res
    current = [d for s, d in existing.values() if s == split]
    added = [canonical({**d, "split": split}) for _, d in new]
    merged = sorted(current + added, key=lambda d: d["id"])
    publish(root, {split: merged}, contributions=added)
    res.added = len(new)
    return res
