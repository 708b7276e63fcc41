"""The bad-input catalogue: every row is a file a user might hand us, the message it gets and
the exit code. ``tests/test_bad_inputs.py`` runs every row; ``docs/robustness.md`` is generated
from the same rows by running the real CLI:

    python -m tests.bad_inputs --write-doc
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
BASE: dict = json.loads((HERE / "fixtures" / "valid" / "small.jsonl").read_text(encoding="utf-8"))
INVALID = HERE / "fixtures" / "invalid"


def line(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class Row:
    name: str            # what the input is
    make: Callable[[Path], list[str]]  # writes the input under a folder, returns CLI args
    expect: str          # a regex the output (stdout + stderr) must match
    exit_code: int
    deny_read: bool = False  # simulate a permission error (root can read any file)


def fixture(rule: str) -> Callable[[Path], list[str]]:
    return lambda d: ["validate", str(INVALID / f"{rule}.jsonl")]


def write(name: str, content: bytes) -> Callable[[Path], list[str]]:
    def make(d: Path) -> list[str]:
        p = d / name
        p.write_bytes(content)
        return ["validate", str(p)]
    return make


def emoji_shifted() -> bytes:
    text = "Rell 🙂 said the talks had stalled."
    raw = text.encode("utf-16-le")
    s16 = len(text[: text.index("the talks")].encode("utf-16-le")) // 2
    a = json.loads(json.dumps(BASE))
    a.update(text=text, quotes=[{**BASE["quotes"][0], "start": s16, "end": s16 + 21,
                                 "text": "the talks had stalled", "speaker_mention": None,
                                 "cue": None, "speaker": None}])
    assert raw  # offsets above count the emoji as two UTF-16 units, as JavaScript does
    return line(a)


def wrong_types() -> bytes:
    a = json.loads(json.dumps(BASE))
    a.update(title=7, published=2026, entities="e1", language=None)
    a["quotes"][0].update(start="49", stances={"t1": "favor"})
    return line(a)


def huge_line() -> bytes:
    text = ("The ministry said the harbour would reopen. " * 1_200_000)[:50_000_000]
    a = dict(BASE, text=text, entities=[], targets=[], quotes=[
        {"id": "q1", "start": 17, "end": 42, "text": text[17:42], "type": "indirect",
         "speaker": None, "speaker_mention": None, "cue": None, "continues": None,
         "stances": []}])
    return line(a)


def unreadable(d: Path) -> list[str]:
    p = d / "locked.jsonl"
    p.write_bytes(line(BASE))
    p.chmod(0)
    return ["validate", str(p)]


def evaluation(pred: list, *options: str, raw: bytes = b"") -> Callable[[Path], list[str]]:
    """``evaluate`` of a prediction file (objects of ``pred``, then ``raw`` lines) against a
    gold file of two articles (the small fixture and a copy with another id)."""
    def make(d: Path) -> list[str]:
        gold, p = d / "gold.jsonl", d / "pred.jsonl"
        gold.write_bytes(line(BASE) + line(dict(BASE, id="fx-0002")))
        p.write_bytes(b"".join(line(o) for o in pred) + raw)
        return ["evaluate", str(gold), str(p), *options]
    return make


PRED = {"id": BASE["id"], "quotes": [{"start": 49, "end": 70}]}
BOTH = [PRED, dict(PRED, id="fx-0002")]


def directory(d: Path) -> list[str]:
    (d / "empty-folder").mkdir()
    return ["validate", str(d / "empty-folder")]


ROWS: list[Row] = [
    Row("invalid UTF-8", fixture("encoding.utf8"), r":2: error encoding\.utf8: invalid UTF-8", 1),
    Row("UTF-8 byte-order mark", fixture("encoding.bom"), r":1: error encoding\.bom", 1),
    Row("CRLF line ends", fixture("format.crlf"), r":2: error format\.crlf", 1),
    Row("a blank line", fixture("format.blank-line"), r":2: error format\.blank-line", 1),
    Row("a truncated last line", fixture("format.truncated"), r":2: error format\.truncated", 1),
    Row("a line that is not an object", fixture("json.not-object"), r":2: error json\.not-object", 1),
    Row("NaN / Infinity", fixture("json.nan"), r":2: error json\.nan", 1),
    Row("duplicate keys", fixture("json.duplicate-key"), r":2: error json\.duplicate-key", 1),
    Row("an integer beyond 64 bits", fixture("json.big-int"), r":2: error json\.big-int", 1),
    Row("deeply nested arrays", fixture("json.too-deep"), r":2: error json\.too-deep", 1),
    Row("an unpaired surrogate", fixture("json.surrogate"), r":2: error json\.surrogate", 1),
    Row("offsets shifted by an emoji (UTF-16 units)", write("emoji.jsonl", emoji_shifted()),
        r":1: error span\.text: .*UTF-16 code units", 1),
    Row("wrong types in many fields", write("types.jsonl", wrong_types()),
        r":1: error field\.type: .*\[title\]", 1),
    Row("one line of 50 MB (a valid article)", write("huge.jsonl", huge_line()), r"^OK: 1 file", 0),
    Row("an empty file", fixture("format.empty-file"), r"error format\.empty-file", 1),
    Row("a missing file", lambda d: ["validate", str(d / "nope.jsonl")],
        r"error: .*nope\.jsonl: no such file", 2),
    Row("a folder with no JSONL files", directory, r"no \.jsonl files", 2),
    Row("an unreadable file", unreadable, r"cannot read \(Permission denied\)", 2,
        deny_read=True),
    Row("an unknown option value", lambda d: ["validate", "--format", "xml", str(INVALID)],
        r"must be one of \{text, json\}", 2),
    Row("predictions (`evaluate`): an unknown article id",
        evaluation([*BOTH, dict(PRED, id="fx-9999")]),
        r"pred\.jsonl:3: article id 'fx-9999' is not in the gold data", 1),
    Row("predictions: a duplicate article id", evaluation([*BOTH, PRED]),
        r"pred\.jsonl:3: duplicate article id 'fx-0001' \(first at .*pred\.jsonl:1\)", 1),
    Row("predictions: gold articles without a prediction", evaluation([PRED]),
        r"note: 1 gold article\(s\) have no prediction and count as empty: fx-0002", 0),
    Row("predictions: gold articles without a prediction, `--strict`",
        evaluation([PRED], "--strict"), r"note: 1 gold article\(s\) have no prediction", 1),
    Row("predictions: duplicate keys", evaluation(
        [PRED], raw=b'{"id": "fx-0002", "quotes": [], "quotes": [{"start": 0, "end": 4}]}\n'),
        r"pred\.jsonl:2: error json\.duplicate-key: key 'quotes' appears twice", 1),
    Row("predictions: a span outside the text",
        evaluation([PRED, dict(PRED, id="fx-0002", quotes=[{"start": 120, "end": 140}])]),
        r"pred\.jsonl:2: article 'fx-0002' quotes\[0\]: span \[120, 140\) lies outside the "
        r"text \(length 136\)", 1),
]


def run_row(row: Row, d: Path) -> tuple[int, str]:
    from typer.testing import CliRunner

    from quotestance.cli import app

    args = row.make(d)
    if row.deny_read:
        from unittest import mock

        def deny(*a, **k):
            raise PermissionError(13, "Permission denied")

        with mock.patch("quotestance.jsonl.open", deny, create=True):
            res = CliRunner().invoke(app, args, catch_exceptions=False)
    else:
        res = CliRunner().invoke(app, args, catch_exceptions=False)
    return res.exit_code, res.stdout + res.stderr


def render_doc() -> str:
    import tempfile

    out = ["# Bad input: what each gets", "",
           "Generated by `python -m tests.bad_inputs --write-doc` from the rows that "
           "`tests/test_bad_inputs.py` runs; the message column is the CLI's real first line "
           "(paths shortened).", "",
           "| input | message | exit |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for row in ROWS:
            d = Path(tmp) / re.sub(r"\W+", "-", row.name)
            d.mkdir()
            code, text = run_row(row, d)
            first = next((ln for ln in text.splitlines() if re.search(row.expect, ln)), "")
            first = first.replace(str(d) + "/", "").replace(str(INVALID) + "/", "")
            first = first.replace(str(HERE.parent) + "/", "")
            if len(first) > 160:
                first = first[:157] + "..."
            out.append(f"| {row.name} | `{first.replace('|', '¦')}` | {code} |")
    out += ["", "Exit codes: 0 clean (warnings allowed), 1 errors in the input, 2 usage errors "
            "(missing, unreadable or wrong kind of path; bad option). No input ends in a "
            "traceback.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    doc = HERE.parent / "docs" / "robustness.md"
    text = render_doc()
    if "--write-doc" in sys.argv:
        doc.write_text(text, encoding="utf-8")
    else:
        print(text)
