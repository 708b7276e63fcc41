"""Measurement helpers of the benchmark suite: repeated timings, child processes with their own
peak memory, machine description, profiles.

Every timing is wall-clock (``time.perf_counter``) with the CPU time beside it; a child
process's peak resident memory comes from ``os.wait4`` in a small launcher (the child's own
``ru_maxrss``, including the processes it waited for), so one measurement never leaks into the
next.
"""

from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ("quotestance", "orjson", "numpy", "scikit-learn", "datasets", "pyarrow", "typer",
            "dask", "distributed")


@dataclass
class Run:
    """One measured run: wall and CPU seconds, peak RSS (MiB), exit code."""

    wall: float
    cpu: float
    rss_mib: float = 0.0
    rc: int = 0

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    """Medians of repeated runs, with every run kept."""
    return {"repeats": len(runs), "wall_s": round(median([r.wall for r in runs]), 4),
            "cpu_s": round(median([r.cpu for r in runs]), 4),
            "rss_mib": round(median([r.rss_mib for r in runs]), 1),
            "runs": [r.to_dict() for r in runs]}


def in_process(fn: Callable[[], Any]) -> Run:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return Run(time.perf_counter() - t0, time.process_time() - c0)


_LAUNCHER = r"""
import json, os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:])
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
               "rc": os.waitstatus_to_exitcode(status)}, f)
"""


def child(cmd: Sequence[str | os.PathLike[str]], *, stdout: str | os.PathLike[str] | None = None,
          env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``cmd`` in a fresh process; its wall time, CPU time (user + sys, children included)
    and peak RSS. Output goes to ``stdout`` (or is dropped); stderr is kept for errors.

    A small launcher process starts ``cmd`` and reads its ``wait4`` usage: on Linux a process
    inherits the peak RSS of the one that forked it, so forking from this (large) process
    directly would report at least this process's size."""
    import json
    import tempfile

    fd, res = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    try:
        p = subprocess.run([sys.executable, "-c", _LAUNCHER, res, *map(str, cmd)], stdout=out,
                           stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=ROOT)
        with open(res) as f:
            u = json.load(f)
    finally:
        if stdout:
            out.close()
        os.unlink(res)
    if check and u["rc"] != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {u['rc']}:\n"
                           f"{p.stderr.decode(errors='replace')[-2000:]}")
    return Run(u["wall"], u["cpu"], u["rss_kib"] / 1024, u["rc"])


def repeat(fn: Callable[[], Run], repeats: int, budget_s: float = 90.0) -> list[Run]:
    """``repeats`` runs of ``fn``; fewer (at least one) when one run takes over ``budget_s``."""
    runs = [fn()]
    while len(runs) < repeats and runs[0].wall <= budget_s:
        runs.append(fn())
    return runs


def interleaved(fns: dict[str, Callable[[], Run]], repeats: int,
                budget_s: float = 90.0) -> dict[str, list[Run]]:
    """Runs of several workloads taken in turn (a, b, a, b, ...), so a change of machine load
    hits them alike; ratios of their medians are the figures."""
    out: dict[str, list[Run]] = {k: [] for k in fns}
    for i in range(repeats):
        for k, fn in fns.items():
            out[k].append(fn())
        if i == 0 and max(r[0].wall for r in out.values()) > budget_s:
            break
    return out


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else "unknown"


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    mem = ""
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = f"{int(m.group(1)) / 1024 ** 2:.1f} GiB" if m else ""
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu_model(), "cores": os.cpu_count(),
            "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "os": platform.platform(),
            "packages": versions, "commit": commit}


def profile(fn: Callable[[], Any], top: int = 8, by: str = "own",
            only: str = "") -> list[dict[str, Any]]:
    """cProfile of ``fn``: the ``top`` entries by own time (where the time goes), or by
    cumulative time (``by="cumulative"``: which step takes it), keeping only functions whose
    location contains ``only``."""
    prof = cProfile.Profile()
    prof.enable()
    try:
        fn()
    finally:
        prof.disable()
    st = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in st.stats.values()) or 1.0
    col = 2 if by == "own" else 3
    rows = sorted(((k, v) for k, v in st.stats.items() if only in k[0]),
                  key=lambda kv: -kv[1][col])[:top]
    out = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in rows:
        where = func if file == "~" else f"{_short_path(file)}:{line}({func})"
        out.append({"function": where, "calls": nc, "own_s": round(tt, 3),
                    "cumulative_s": round(ct, 3), "own_share": round(tt / total, 3)})
    return out


def _short_path(file: str) -> str:
    for base in ("site-packages" + os.sep, str(ROOT) + os.sep):
        if base in file:
            return file.split(base, 1)[1]
    return file


def import_profile(module: str, top: int = 8) -> list[dict[str, Any]]:
    """``python -X importtime -c 'import module'``: the slowest imports (cumulative)."""
    p = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                       capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append({"module": m.group(4), "own_ms": int(m.group(1)) / 1000,
                         "cumulative_ms": int(m.group(2)) / 1000,
                         "depth": len(m.group(3)) // 2})
    rows.sort(key=lambda r: -r["cumulative_ms"])
    return [r for r in rows if r["depth"] <= 1][:top]


def memory_profile(fn: Callable[[], Any], top: int = 6, articles: int = 0
                   ) -> list[dict[str, Any]]:
    """tracemalloc of ``fn`` (over ``articles`` articles): the source lines holding the most
    memory when it returns, with what it keeps alive."""
    import tracemalloc

    tracemalloc.start()
    try:
        keep = fn()  # what fn returns stays alive, as it does in the measured command
        snap = tracemalloc.take_snapshot()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del keep
    stats = snap.statistics("lineno")[:top]
    out = [{"where": f"{_short_path(s.traceback[0].filename)}:{s.traceback[0].lineno}",
            "mib": round(s.size / 2 ** 20, 1), "blocks": s.count} for s in stats]
    return [{"peak_traced_mib": round(peak / 2 ** 20, 1), "articles": articles}] + out
