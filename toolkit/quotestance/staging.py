"""All-or-nothing replacement of several files of one folder (a corpus release).

Each new file is written to a temporary name beside its target. ``commit`` then writes a journal
(atomically) naming every rename, performs the renames and deletes the journal. A process killed
before the journal exists leaves the folder exactly as it was (stray temporary files are removed
by the next ``recover``); one killed after it is rolled forward by ``recover``, which every
writing command runs first. The validator reports a leftover journal.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

JOURNAL = ".quotestance-commit.json"
FAILPOINT_ENV = "QUOTESTANCE_FAILPOINT"
TMP_PREFIX = ".qs-staged-"


class Staging:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.pairs: list[tuple[Path, Path]] = []

    @contextmanager
    def open(self, target: Path) -> Iterator[IO[bytes]]:
        target = Path(target).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        from .jsonl import _file_mode

        os.chmod(tmp, _file_mode(target))
        self.pairs.append((Path(tmp), target))

    def commit(self) -> None:
        _failpoint("before-journal")
        journal = self.root / JOURNAL
        data = [[str(t.relative_to(self.root)), str(g.relative_to(self.root))]
                for t, g in self.pairs]
        tmp = journal.with_name(journal.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, journal)  # the commit point
        _failpoint("after-journal")
        _roll_forward(self.root, data)

    def abort(self) -> None:
        for tmp, _ in self.pairs:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        self.pairs.clear()


def _failpoint(name: str) -> None:
    """Tests kill the process here (SIGKILL, as a crash would) by naming the point in
    ``QUOTESTANCE_FAILPOINT``."""
    if os.environ.get(FAILPOINT_ENV) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _roll_forward(root: Path, data: list[list[str]]) -> None:
    """Do the renames a journal lists. A missing temporary file is one renamed before an
    interruption (its target already holds it), never a lost one: the journal is written only
    after every temporary file is complete."""
    for i, (tmp, target) in enumerate(data):
        t = root / tmp
        if t.exists():
            os.replace(t, root / target)
        if i == 0:
            _failpoint("mid-rename")
    (root / JOURNAL).unlink()


def recover(root: Path) -> str | None:
    """Finish an interrupted commit, or clean its temporary files. Says what it did."""
    root = Path(root).resolve()
    journal = root / JOURNAL
    if journal.exists():
        data = json.loads(journal.read_text(encoding="utf-8"))
        _roll_forward(root, data)
        return f"completed an interrupted commit of {len(data)} file(s)"
    strays = [p for p in root.rglob(f"{TMP_PREFIX}*.tmp")]
    strays += list(root.glob(JOURNAL + ".tmp"))
    for p in strays:
        p.unlink()
    return f"removed {len(strays)} temporary file(s) of an interrupted run" if strays else None


def pending(root: Path) -> bool:
    return (Path(root) / JOURNAL).exists()
