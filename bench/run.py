"""The performance suite: one command, every figure beside its goal.

    .venv/bin/python bench/run.py                      # 10,000 and 100,000 articles
    .venv/bin/python bench/run.py --quick              # 1,000 and 10,000, fewer repeats
    .venv/bin/python bench/run.py --only startup,load_hf
    .venv/bin/python bench/run.py --docs               # also regenerate docs/performance.md

Synthetic corpora are generated into bench/data/ when missing (bench/generate.py). Each figure
is printed as it is measured, with PASS or GAP against its goal (INFO where the issue sets no
goal), then all of them again at the end. Results go to bench/results/latest.json with the
machine, the load average and the profile behind every GAP. The exit code is 0 even with GAPs
(a benchmark reports, it does not judge); 1 when a measurement itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import figures  # noqa: E402
import scaleout  # noqa: E402
from generate import ensure  # noqa: E402
from harness import ROOT, loadavg, machine  # noqa: E402

SCHEMA = "quotestance-perf/1"
GROUPS = {
    "validate_speed": figures.validate_speed,
    "commands": figures.commands,
    "baselines": figures.baselines,
    "startup": figures.startup,
    "load_hf": figures.load_hf,
    "jobs": scaleout.jobs,
    "dask": scaleout.dask,
}
PROFILE_SIZE = 2000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=None,
                    help="Comma-separated corpus sizes, smallest first (default 10000,100000; "
                         "--quick: 1000,10000).")
    ap.add_argument("--repeats", type=int, default=None,
                    help="Repeats of each measurement, medians reported (default 3; --quick: "
                         "2). A run over 90 s is not repeated.")
    ap.add_argument("--quick", action="store_true", help="Small sizes and fewer repeats.")
    ap.add_argument("--only", default="", help=f"Comma-separated groups: {', '.join(GROUPS)}.")
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "data",
                    help="Folder of the generated data (default bench/data).")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    ap.add_argument("--docs", action="store_true",
                    help="Regenerate the figures in docs/performance.md from the results.")
    a = ap.parse_args(argv)
    a.sizes = [int(x) for x in (a.sizes or ("1000,10000" if a.quick else "10000,100000"))
               .split(",")]
    if sorted(a.sizes) != a.sizes or len(a.sizes) < 2 or a.sizes[0] < 10:
        ap.error("--sizes needs at least two sizes, smallest first, each >= 10")
    a.repeats = a.repeats or (2 if a.quick else 3)
    a.only = [g for g in a.only.split(",") if g]
    for g in a.only:
        if g not in GROUPS:
            ap.error(f"--only: unknown group {g!r}; groups: {', '.join(GROUPS)}")
    return a


def log(msg: str) -> None:
    print(msg, flush=True)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    started = time.time()
    info = machine()
    log(f"QuoteStance performance suite: sizes {', '.join(f'{n:,}' for n in a.sizes)}; "
        f"{a.repeats} repeat(s), medians")
    log(f"machine: {info['cpu']}, {info['usable_cores']} core(s), Python {info['python']}; "
        f"load average {loadavg()}")
    data = {n: ensure(n, a.data, log=log) for n in a.sizes}
    prof = ensure(PROFILE_SIZE, a.data, log=log)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=a.data))
    ctx = figures.Ctx(data=data, sizes=a.sizes, repeats=a.repeats, work=work,
                      profile_data=prof, profile_size=PROFILE_SIZE, quick=a.quick, log=log)
    errors = {}
    load = {"start": loadavg()}
    try:
        for name, fn in GROUPS.items():
            if a.only and name not in a.only:
                continue
            log(f"\n== {name} ==")
            t0 = time.perf_counter()
            try:
                fn(ctx)
            except Exception as e:  # one broken measurement must not hide the others
                errors[name] = f"{type(e).__name__}: {e}"
                log(f"  ERROR: {errors[name]}")
                traceback.print_exc()
            load[name] = loadavg()
            log(f"  ({time.perf_counter() - t0:.0f} s; load average {load[name]})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "schema": SCHEMA, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(time.time() - started),
        "command": "bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "settings": {"sizes": a.sizes, "repeats": a.repeats, "quick": a.quick,
                     "groups": a.only or list(GROUPS), "flat_memory_bound": figures.FLAT,
                     "flat_memory_bytes_per_article": figures.PER_ARTICLE},
        "machine": info, "load_average": load, "figures": ctx.figures,
        "measurements": ctx.measurements, "profiles": ctx.profiles, "errors": errors}
    a.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.output.with_name(a.output.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, a.output)
    log("\n== summary ==")
    for f in ctx.figures:
        log(figures.format_figure(f))
    gaps = [f["id"] for f in ctx.figures if f["status"] == "GAP"]
    log(f"\n{len(ctx.figures)} figures: {len(gaps)} GAP ({', '.join(gaps) or 'none'}); "
        f"{len(errors)} error(s); wrote {a.output}")
    if a.docs:
        import report

        report.write_docs(a.output)
        log(f"updated {report.DOC.relative_to(ROOT)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
