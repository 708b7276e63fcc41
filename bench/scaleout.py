"""Figures of the parallel paths: ``--jobs 2`` against one job, and the Dask engine over a
sharded archive against one process. Each figure's goal is output identical to the one-process
run; the speed-up is reported beside it."""

from __future__ import annotations

from pathlib import Path

from figures import QS, Ctx, _cli_profile, _has_option
from harness import child, interleaved, median, profile, summary


def _same(a: Path, b: Path) -> bool:
    if a.is_dir() or b.is_dir():
        fa = sorted(p.name for p in a.glob("*.jsonl"))
        fb = sorted(p.name for p in b.glob("*.jsonl"))
        return bool(fa) and fa == fb and all(_same(a / n, b / n) for n in fa)
    return a.read_bytes() == b.read_bytes()


def _concat_equals(folder: Path, whole: Path) -> bool:
    parts = sorted(folder.glob("*.jsonl"))
    with open(whole, "rb") as f:
        for p in parts:
            data = p.read_bytes()
            if f.read(len(data)) != data:
                return False
        return f.read(1) == b""


def jobs(ctx: Ctx) -> None:
    n = ctx.small
    d, w = ctx.data[n], ctx.work
    cmds = {
        "validate": lambda j: ([QS, "validate", "--format", "json", "--jobs", str(j), d["gold"]],
                               w / f"jobs-validate-{j}.out"),
        "predict": lambda j: ([QS, "predict", d["text"], "--system", "rules-quotes", "--jobs",
                               str(j), "--output", w / f"jobs-predict-{j}.jsonl"],
                              w / f"jobs-predict-{j}.jsonl"),
        "evaluate": lambda j: ([QS, "evaluate", d["gold"], d["pred"], "--format", "json",
                                "--jobs", str(j), "--output", w / f"jobs-evaluate-{j}.json"],
                               w / f"jobs-evaluate-{j}.json"),
    }
    ctx.log(f"  --jobs 2 against one job ({n:,} articles):")
    for name, make in cmds.items():
        if not _has_option(name, "--jobs"):
            ctx.log(f"    {name}: no --jobs option; skipped")
            ctx.measurements[f"jobs.{name}"] = {"skipped": "no --jobs option"}
            continue

        def run(j: int, make=make):
            cmd, out = make(j)
            return child(cmd, stdout=out if out.suffix == ".out" else None)

        runs = interleaved({"1": lambda: run(1), "2": lambda: run(2)}, ctx.repeats)
        same = _same(make(1)[1], make(2)[1])
        t1, t2 = (median([r.wall for r in runs[k]]) for k in ("1", "2"))
        ctx.measurements[f"jobs.{name}"] = {"articles": n, "jobs_1": summary(runs["1"]),
                                            "jobs_2": summary(runs["2"]), "identical": same}
        ctx.add(f"jobs.{name}", f"{name} --jobs 2 speed-up ({n:,} articles)", t1 / t2, "x",
                "output identical to one job; speed-up reported", same,
                seconds_jobs_1=round(t1, 3), seconds_jobs_2=round(t2, 3), identical=same,
                cpu_s_jobs_1=round(median([r.cpu for r in runs["1"]]), 3),
                cpu_s_jobs_2=round(median([r.cpu for r in runs["2"]]), 3))
    if "jobs.evaluate" in ctx.measurements and "skipped" not in ctx.measurements["jobs.evaluate"]:
        pd = ctx.profile_data  # the parent's serial steps bound the speed-up
        ctx.profiles["jobs.evaluate"] = profile(_cli_profile(
            ["evaluate", str(pd["gold"]), str(pd["pred"]), "-f", "json", "--jobs", "2",
             "-o", str(ctx.work / "profile-jobs.json")]), top=10, by="cumulative",
            only="quotestance")


def dask(ctx: Ctx) -> None:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        ctx.log("  dask: not installed (pip install 'quotestance[dask]'); skipped")
        return
    n = ctx.small
    d, w = ctx.data[n], ctx.work
    shards = sorted(d["shards"].glob("*.jsonl"))
    ctx.log(f"  Dask local cluster (2 workers) over {len(shards)} shards of {n:,} articles:")
    local_out, dask_out = w / "dask-validate-local.out", w / "dask-validate-dask.out"
    runs = interleaved({
        "local": lambda: child([QS, "validate", "--format", "json", d["shards"]],
                               stdout=local_out),
        "dask": lambda: child([QS, "validate", "--format", "json", "--engine", "dask",
                               "--jobs", "2", d["shards"]], stdout=dask_out),
    }, ctx.repeats)
    _figure(ctx, "validate", runs, _same(local_out, dask_out), len(shards), n)
    if not _has_option("predict", "--engine"):
        ctx.log("    predict: no --engine option; skipped")
        ctx.measurements["dask.predict"] = {"skipped": "no --engine option"}
        return
    lo, do = w / "dask-predict-local", w / "dask-predict-dask"
    base = [QS, "predict", d["text_shards"], "--system", "rules-quotes"]
    runs = interleaved({
        "local": lambda: child(base + ["--output", lo]),
        "dask": lambda: child(base + ["--output", do, "--engine", "dask", "--jobs", "2"]),
    }, ctx.repeats)
    same = _same(lo, do)
    whole = w / f"predict-{n}.jsonl"
    if whole.is_file():
        same = same and _concat_equals(do, whole)
    _figure(ctx, "predict", runs, same, len(shards), n)


def _figure(ctx: Ctx, name: str, runs: dict, same: bool, k: int, n: int) -> None:
    tl, td = (median([r.wall for r in runs[x]]) for x in ("local", "dask"))
    ctx.measurements[f"dask.{name}"] = {"articles": n, "shards": k, "identical": same,
                                        "local": summary(runs["local"]),
                                        "dask": summary(runs["dask"])}
    ctx.add(f"dask.{name}", f"{name} on Dask (2 local workers) / one process, {k} shards",
            tl / td, "x", "output identical to one process; speed-up reported", same,
            seconds_one_process=round(tl, 3), seconds_dask=round(td, 3),
            note="includes starting the local cluster")
