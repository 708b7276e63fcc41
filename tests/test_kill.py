"""Nothing lost: `corpus add` and `align` killed mid-write leave their files intact."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotestance.corpus_checks import MANIFEST, manifest_files, validate_corpus
from quotestance.staging import pending, recover

from .conftest import CORPUS

pytestmark = pytest.mark.slow


def release_bytes(root: Path) -> dict[str, bytes]:
    files = manifest_files(root) + [root / MANIFEST]
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


WORDS = ("ministry council harbour pipeline tariff ballot strike vaccine treaty border fund "
         "court union market delegate envoy summit reactor quota levy curfew rally drought "
         "budget cabinet senate charter grain freight convoy").split()


def big_contribution(tmp_path: Path, n: int) -> Path:
    """n valid articles with distinct random texts (so the leakage check lets them in)."""
    import random

    base = json.loads((Path(__file__).parent / "fixtures/valid/small.jsonl").read_text())
    out = tmp_path / "contrib.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            rng = random.Random(i)
            body = " ".join(rng.choice(WORDS) for _ in range(400))
            a = dict(base, id=f"contrib-{i:05d}", split=None, text=body, entities=[],
                     quotes=[{"id": "q1", "start": 0, "end": 40, "text": body[:40],
                              "type": "indirect", "speaker": None, "speaker_mention": None,
                              "cue": None, "continues": None,
                              "stances": [{"target": "t1", "label": "neutral"}]}])
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return out


def spawn(*args: str, failpoint: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "QUOTESTANCE_FAILPOINT": failpoint or ""}
    return subprocess.Popen([sys.executable, "-m", "quotestance", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("point", ["before-journal", "after-journal", "mid-rename"])
def test_corpus_add_crash_at_each_commit_step(tmp_path, point):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("sources"))
    before = release_bytes(root)
    n_before = before["data/articles/train.jsonl"].count(b"\n")
    proc = spawn("corpus", "add", str(big_contribution(tmp_path, 50)), "--split", "train",
                 "--corpus", str(root), failpoint=point)
    assert proc.wait() == -signal.SIGKILL
    if point == "before-journal":
        assert release_bytes(root) == before  # byte-for-byte intact
        assert list(root.rglob(".qs-staged-*"))  # the staged files were written, then lost
        assert validate_corpus(root).ok
    else:
        assert pending(root)
        assert [i.rule for i in validate_corpus(root).incidents] == ["corpus.interrupted"]
    recover(root)
    assert not list(root.rglob(".qs-staged-*")) and not pending(root)
    report = validate_corpus(root)
    assert report.ok, [i.render() for i in report.incidents[:3]]
    n_after = (root / "data/articles/train.jsonl").read_bytes().count(b"\n")
    assert n_after == (n_before if point == "before-journal" else n_before + 50)


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5])
def test_corpus_add_killed_mid_write(tmp_path, delay):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("sources"))
    before = release_bytes(root)
    contrib = big_contribution(tmp_path, 1500)
    proc = spawn("corpus", "add", str(contrib), "--split", "train", "--corpus", str(root))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if pending(root):  # killed after the commit point: recovery rolls forward
        recover(root)
        assert validate_corpus(root).ok
        n = sum(1 for _ in (root / "data/articles/train.jsonl").open())
        assert n == before["data/articles/train.jsonl"].count(b"\n") + 1500
    else:  # killed before it (or finished): intact, or completely updated
        recover(root)
        after = release_bytes(root)
        assert after == before or validate_corpus(root).ok
        if after != before:
            assert proc.returncode in (0, -signal.SIGKILL)
        assert validate_corpus(root).ok
    assert not list(root.rglob(".qs-staged-*"))


def test_align_killed_mid_write_leaves_no_partial_output(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CORPUS / "sources", src)
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = tmp_path / "out.jsonl"
    out.write_text("previous content\n")
    for delay in (0.2, 0.6, 1.0):
        proc = spawn("align", str(src), "-o", str(out))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        text = out.read_text(encoding="utf-8")
        assert text == "previous content\n" or all(json.loads(x) for x in text.splitlines())
    assert before == {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
