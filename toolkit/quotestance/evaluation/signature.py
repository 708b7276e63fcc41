"""Signatures: a compact string of every setting that moves a reported number.

``qs:1.0.0|split:test|task:quotes|match:exact+partial|boot:0|v:0.1.0``, or with a bootstrap
``...|boot:1000|seed:12345|conf:0.95|v:0.1.0``

=========  ==============================================================================
``qs``     corpus version (``corpus/VERSION``; ``file:<sha256 prefix>`` for another file)
``split``  the gold split (``test``, ...), or ``custom``/``mixed`` for other gold files
``task``   quotes, speakers, stance, e2e, agreement (``+``-joined for several)
``match``  ``exact+partial`` for the quotes task (it reports exact, partial and IoU>=0.5);
           for the others the matching that pairs predicted with gold quotes (exact, iou50)
``boot``   bootstrap samples (0: none); when it is not 0, ``seed`` (of the bootstrap) and
           ``conf`` (confidence level of the intervals) follow
``v``      toolkit version (fixes normalisation, tokenisation and metric conventions)
=========  ==============================================================================

Two numbers are comparable when their signatures are equal.
"""

from __future__ import annotations


def _clean(v: object) -> str:
    return str(v).replace("|", "/").replace(" ", "_")


def task_match(task: str, align: str) -> str:
    return "exact+partial" if task in ("quotes", "agreement") else align


def make_signature(*, corpus_version: str, split: str, task: str, match: str, bootstrap: int,
                   seed: int, confidence: float = 0.95, version: str | None = None) -> str:
    if version is None:
        from .. import __version__ as version
    parts = [f"qs:{_clean(corpus_version)}", f"split:{_clean(split)}", f"task:{_clean(task)}",
             f"match:{_clean(match)}", f"boot:{int(bootstrap)}"]
    if bootstrap:
        parts += [f"seed:{int(seed)}", f"conf:{float(confidence)!r}"]
    parts.append(f"v:{_clean(version)}")
    return "|".join(parts)


def parse_signature(sig: str) -> dict[str, str]:
    """The fields of a signature, e.g. ``{"qs": "1.0.0", "split": "test", ...}``."""
    out = {}
    for part in sig.split("|"):
        k, sep, v = part.partition(":")
        if not sep:
            raise ValueError(f"not a QuoteStance signature: {sig!r}")
        out[k] = v
    return out
