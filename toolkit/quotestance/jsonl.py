"""Streaming JSONL reading with line numbers, and atomic JSONL writing.

Reading never raises on bad content: every problem of the raw file (encoding, byte-order mark,
CRLF, blank or truncated lines, JSON that is not an object, NaN, duplicate keys, huge integers)
becomes an ``Incident`` with its line number, and the reader goes on with the next line.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from .incidents import Incident


class InputError(Exception):
    """A file cannot be read at all (missing, a directory, unreadable). Text: ``path: what``."""


@dataclass(slots=True)
class Line:
    """One parsed JSON object and where it came from."""

    path: str
    lineno: int
    obj: dict[str, Any]
    body: bytes = b""


_DUP_HINT = re.compile(rb'"\s*:')


def open_input(path: str | os.PathLike[str]) -> IO[bytes]:
    p = Path(path)
    if str(path) == "-":
        import sys

        return sys.stdin.buffer
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, expected a JSONL file")
    try:
        return open(p, "rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def read_lines(path: str | os.PathLike[str], incidents: list[Incident],
               strict_json: bool = True,
               chunk: tuple[int, int] | None = None) -> Iterator[Line]:
    """Yield each object line of a JSONL file; append an incident for every bad line.

    ``strict_json`` adds the checks orjson does not make (duplicate keys), at some cost.
    ``chunk`` = (start, end) byte offsets at line starts reads only that part (for parallel
    validation); its line numbers then count from the chunk's first line, 1-based.
    """
    spath = str(path)
    with open_input(path) as f:
        lineno = 0
        empty = True
        lines: Iterable[bytes] = f
        if chunk is not None:
            f.seek(chunk[0])
            lines = _bounded_lines(f, chunk[1] - chunk[0])
            empty = False
        for raw in lines:
            lineno += 1
            empty = False
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf") and not (chunk and chunk[0]):
                incidents.append(Incident.error(
                    "encoding.bom", spath, lineno,
                    "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"))
                raw = raw[3:]
            ended = raw.endswith(b"\n")
            body = raw[:-1] if ended else raw
            if body.endswith(b"\r"):
                incidents.append(Incident.error(
                    "format.crlf", spath, lineno,
                    "the line ends with CR LF (Windows line end); use LF only"))
                body = body[:-1]
            if not body.strip():
                incidents.append(Incident.error(
                    "format.blank-line", spath, lineno,
                    "blank line; JSONL has one JSON object on every line"))
                continue
            obj = parse_object(body, spath, lineno, incidents, last_unterminated=not ended,
                               strict_json=strict_json)
            if obj is not None:
                yield Line(spath, lineno, obj, body)
        if empty:
            incidents.append(Incident.error("format.empty-file", spath, 0,
                                            "the file is empty: no articles"))


def _bounded_lines(f: IO[bytes], size: int) -> Iterator[bytes]:
    while size > 0:
        raw = f.readline()
        if not raw:
            return
        size -= len(raw)
        yield raw


def line_chunks(path: str | os.PathLike[str], n: int) -> list[tuple[int, int]]:
    """Split a file into about ``n`` byte ranges that start at line starts."""
    size = os.path.getsize(path)
    if n <= 1 or size == 0:
        return [(0, size)]
    bounds = [0]
    with open(path, "rb") as f:
        for i in range(1, n):
            f.seek(max(bounds[-1], size * i // n))
            if f.tell() > 0:
                f.seek(f.tell() - 1)
                f.readline()  # to the start of the next line
            pos = f.tell()
            if bounds[-1] < pos < size:
                bounds.append(pos)
    bounds.append(size)
    return list(zip(bounds[:-1], bounds[1:]))


def parse_object(body: bytes, path: str, lineno: int, incidents: list[Incident],
                 last_unterminated: bool = False, strict_json: bool = True) -> dict | None:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as e:
        incidents.append(_diagnose(body, path, lineno, str(e), last_unterminated))
        return None
    if not isinstance(obj, dict):
        incidents.append(Incident.error(
            "json.not-object", path, lineno,
            f"expected a JSON object, got {type(obj).__name__.replace('dict', 'object')}"
            f" {_preview(body)}"))
        return None
    if strict_json and may_have_duplicate_keys(body, obj):
        dup = find_duplicate_key(body)
        if dup is not None:
            incidents.append(Incident.error(
                "json.duplicate-key", path, lineno,
                f"key {dup!r} appears twice in one object; which value counts is undefined"))
            return None
    return obj


def _diagnose(body: bytes, path: str, lineno: int, err: str, last_unterminated: bool) -> Incident:
    try:
        s = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return Incident.error("encoding.utf8", path, lineno,
                              f"invalid UTF-8 byte {body[e.start:e.start + 1]!r} at byte "
                              f"{e.start} of the line; the file must be UTF-8")
    if "surrogates not allowed" in err or "surrogate" in err.lower():
        return Incident.error("json.surrogate", path, lineno,
                              "the line holds an unpaired UTF-16 surrogate escape (\\udXXX); "
                              "text must be valid Unicode")
    if re.search(r"(?<![\w\"])(NaN|-?Infinity)(?![\w\"])", s):
        try:
            json.loads(s)
            return Incident.error("json.nan", path, lineno,
                                  "NaN and Infinity are not JSON; use a number or null")
        except (ValueError, RecursionError):
            pass
    if "recursion" in err.lower() or "depth" in err.lower():
        return Incident.error("json.too-deep", path, lineno,
                              "the JSON nests deeper than the parser allows (over 1024 levels)")
    if "integer" in err.lower() or "number" in err.lower() and re.search(r"\d{20,}", s):
        return Incident.error("json.big-int", path, lineno,
                              "an integer does not fit in 64 bits")
    if last_unterminated:
        return Incident.error("format.truncated", path, lineno,
                              f"the last line has no line end and is not complete JSON "
                              f"(the file looks truncated): {err}")
    return Incident.error("json.invalid", path, lineno, f"not valid JSON: {err} {_preview(body)}")


def _preview(body: bytes, n: int = 60) -> str:
    s = body[:n].decode("utf-8", "replace")
    return f"(starts {s!r}{'…' if len(body) > n else ''})"


def _count_keys(obj: Any) -> int:
    n = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            n += len(o)
            stack.extend(v for v in o.values() if isinstance(v, (dict, list)))
        elif isinstance(o, list):
            stack.extend(v for v in o if isinstance(v, (dict, list)))
    return n


def may_have_duplicate_keys(body: bytes, obj: Any, nkeys: int | None = None) -> bool:
    """Cheap screen: a duplicate key leaves the parsed object with fewer keys (``nkeys``, counted
    here when not given) than the line has ``":`` key separators. Strings may also contain
    ``":``, which only costs a slow re-check; a line written with spaces before its colons is
    screened by a regex instead."""
    n = body.count(b'":')
    keys = _count_keys(obj) if nkeys is None else nkeys
    if n == 0 and keys:
        n = len(_DUP_HINT.findall(body))
    return n > keys


def find_duplicate_key(body: bytes) -> str | None:
    found: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        seen = set()
        for k, _ in pairs:
            if k in seen and not found:
                found.append(k)
            seen.add(k)
        return dict(pairs)

    json.loads(body, object_pairs_hook=hook)
    return found[0] if found else None


def iter_objects(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Line]:
    """Read object lines, raising ``InputError`` (``path:line: rule: message``) on the first
    problem. For loaders of files that are expected to be valid."""
    for p in paths:
        incidents: list[Incident] = []
        for line in read_lines(p, incidents, strict_json=False):
            if incidents:
                break
            yield line
        errors = [i for i in incidents if i.level == "error"]
        if errors:
            raise InputError(errors[0].render())


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj) + b"\n"


def check_output_path(target: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse an output that is an input file or lies inside an input folder."""
    out = Path(target).resolve()
    for r in inputs:
        if str(r) == "-":
            continue
        inp = Path(r)
        if not inp.exists():
            continue
        inp = inp.resolve()
        if out == inp or (out.exists() and os.path.samefile(inp, out)):
            raise InputError(f"{target}: refusing to overwrite an input file; choose another "
                             f"output")
        if inp.is_dir() and out.is_relative_to(inp):
            raise InputError(f"{target}: refusing to write inside the input folder {r}; "
                             f"choose another output")


@contextmanager
def atomic_writer(path: str | os.PathLike[str], refuse: Iterable[str | os.PathLike[str]] = ()):
    """Open a binary file that appears at ``path`` only when the block completes.

    The data goes to a temporary file in the same folder, which is fsynced and renamed into
    place; on any error the temporary file is removed and ``path`` is untouched. ``refuse``
    lists input paths the output must not overwrite.
    """
    target = Path(path)
    check_output_path(target, refuse)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _file_mode(target: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_jsonl(path: str | os.PathLike[str], objs: Iterable[Any],
                refuse: Iterable[str | os.PathLike[str]] = ()) -> int:
    n = 0
    with atomic_writer(path, refuse) as f:
        for o in objs:
            f.write(dumps(o))
            n += 1
    return n
