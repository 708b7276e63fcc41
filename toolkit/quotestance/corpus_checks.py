"""Checks that cross files of a corpus folder: splits, leakage, views and checksums."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from .corpus import ARTICLES, QUOTES, split_file
from .incidents import Incident
from .jsonl import dumps
from .labels import SPLITS
from .validate import Report, iter_checked

MANIFEST = "MANIFEST.sha256"
LEAK_JACCARD = 0.8
_WORD = re.compile(r"\w+")


def is_corpus_dir(p: Path) -> bool:
    return p.is_dir() and (p / ARTICLES).is_dir()


def load_registry(root: Path) -> frozenset[str] | None:
    f = root / "world" / "registry.jsonl"
    if not f.is_file():
        return None
    import orjson

    with open(f, "rb") as fh:
        return frozenset(orjson.loads(line)["kb_id"] for line in fh if line.strip())


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_files(root: Path, staged: frozenset[Path] | set[Path] = frozenset()) -> list[Path]:
    """The release files whose checksums the manifest pins (those that exist or are staged)."""
    out = []
    for view in (ARTICLES, QUOTES):
        out += [root / view / f"{s}.jsonl" for s in SPLITS]
    out += [root / "world" / "registry.jsonl", root / "world" / "outlets.jsonl", root / "VERSION"]
    return [p for p in out if p.exists() or p in staged]


def render_manifest(root: Path) -> str:
    return "".join(f"{sha256_file(p)}  {p.relative_to(root).as_posix()}\n"
                   for p in manifest_files(root))


def check_manifest(root: Path, report: Report) -> None:
    mf = root / MANIFEST
    if not mf.is_file():
        report.incidents.append(Incident.error("corpus.manifest", str(mf), 0,
                                               "the checksum manifest is missing; "
                                               "run `quotestance corpus manifest`"))
        return
    listed: dict[str, str] = {}
    for i, line in enumerate(mf.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split(None, 1)
        if len(parts) != 2:
            report.incidents.append(Incident.error("corpus.manifest", str(mf), i,
                                                   f"malformed line {line!r}"))
            continue
        digest, rel = parts[0], parts[1].strip()
        listed[rel] = digest
        p = root / rel
        if not p.is_file():
            report.incidents.append(Incident.error("corpus.manifest", str(mf), i,
                                                   f"listed file {rel!r} does not exist"))
        elif sha256_file(p) != digest:
            report.incidents.append(Incident.error(
                "corpus.checksum", str(p), 0,
                f"sha256 differs from {MANIFEST} (file changed after the release manifest was "
                f"written; if the change is intended, bump the version and rewrite the manifest)"))
    for p in manifest_files(root):
        rel = p.relative_to(root).as_posix()
        if rel not in listed:
            report.incidents.append(Incident.error("corpus.manifest", str(mf), 0,
                                                   f"release file {rel!r} is not listed"))


def _shingles(text: str, k: int = 5) -> set[int]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {zlib.crc32(" ".join(words).encode())}
    return {zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(len(words) - k + 1)}


def find_leaks(items: list[tuple[str, str, str, int, str]], threshold: float = LEAK_JACCARD
               ) -> list[tuple[tuple, tuple, float]]:
    """Pairs of articles in different splits whose word 5-gram Jaccard is >= threshold.

    ``items`` are (split, id, path, line, text). Candidates come from shared bottom-k sketch
    hashes, then the exact Jaccard decides, so the check is near-linear in corpus size.
    """
    sets = [_shingles(t[4]) for t in items]
    index: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in sorted(s)[:32]:
            index[h].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in index.values():
        if len(members) > 200:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                shared[(members[x], members[y])] += 1
    out = []
    for (i, j), n in shared.items():
        if items[i][0] == items[j][0] or n < 4:
            continue
        a, b = sets[i], sets[j]
        jac = len(a & b) / len(a | b)
        if jac >= threshold:
            out.append((items[i], items[j], jac))
    return out


def validate_corpus(root: Path, check_checksums: bool = True) -> Report:
    """All checks of a corpus folder: every article, splits, leakage, views, manifest."""
    from .staging import pending

    report = Report()
    if pending(root):
        report.incidents.append(Incident.error(
            "corpus.interrupted", str(root), 0,
            "a corpus command was interrupted while committing its files; run "
            "`quotestance corpus recover` to finish it"))
        return report
    registry = load_registry(root)
    files = []
    for s in SPLITS:
        f = split_file(s, root)
        if f.is_file():
            files.append((s, f))
        else:
            report.incidents.append(Incident.error("corpus.missing-split", str(f), 0,
                                                   f"split file for {s!r} is missing"))
    items: list[tuple[str, str, str, int, str]] = []
    ids: dict[str, tuple[str, int]] = {}
    for s, f in files:
        views: list[bytes] = []
        from .format import quote_rows

        for ln in iter_checked([f], report, registry, ids=ids):
            o = ln.obj
            if o.get("split") != s:
                report.incidents.append(Incident.error(
                    "corpus.split-mismatch", ln.path, ln.lineno,
                    f"article split is {o.get('split')!r} but the file holds split {s!r}",
                    "split", o.get("id") if isinstance(o.get("id"), str) else None))
            if isinstance(o.get("text"), str):
                items.append((s, str(o.get("id")), ln.path, ln.lineno, o["text"]))
            try:
                views.extend(dumps(r) for r in quote_rows(o))
            except (KeyError, TypeError):
                pass
        qf = split_file(s, root, view="quotes")
        if report.ok and (not qf.is_file() or qf.read_bytes() != b"".join(views)):
            report.incidents.append(Incident.error(
                "corpus.manifest", str(qf), 0,
                "the quote view is missing or out of date with the articles; "
                "run `quotestance corpus manifest`"))
    for a, b, jac in find_leaks(items):
        report.incidents.append(Incident.error(
            "corpus.leak", b[2], b[3],
            f"article {b[1]!r} ({b[0]}) and {a[1]!r} ({a[0]}, {a[2]}:{a[3]}) share "
            f"{100 * jac:.0f}% of their word 5-grams", "text", b[1]))
    if check_checksums:
        check_manifest(root, report)
    return report


def write_views_and_manifest(root: Path) -> dict[str, Any]:
    """Regenerate the quote view from the article files and rewrite the manifest, all or
    nothing (see ``staging.py``)."""
    from .release import publish

    return publish(root)
