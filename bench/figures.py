"""The figures of the performance suite, one function per workload.

Each function measures its workload (side by side with its reference where the figure is a
ratio), appends figures to ``ctx.figures`` and raw measurements to ``ctx.measurements``, and,
when a figure misses its goal, stores the profile that explains it in ``ctx.profiles``.
A figure's status is PASS or GAP against its goal, or INFO when the issue sets no goal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (BIN, ROOT, Run, child, import_profile, in_process, interleaved, loadavg,
                     median, memory_profile, profile, repeat, summary)

QS = str(BIN / "quotestance")
PY = sys.executable
FLAT = 1.25
PER_ARTICLE = 512
"""Memory is "flat" when the peak at the largest size is at most ``FLAT`` times the peak at the
smallest, or grows by less than ``PER_ARTICLE`` bytes per added article: a streaming command
may keep a set of the article ids it has seen (for the duplicate-id check), while an article
itself is about 9 KiB of JSON."""


@dataclass
class Ctx:
    data: dict[int, dict[str, Path]]
    sizes: list[int]
    repeats: int
    work: Path
    profile_data: dict[str, Path]
    profile_size: int = 0
    quick: bool = False
    log: Callable[[str], None] = print
    figures: list[dict[str, Any]] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)

    @property
    def small(self) -> int:
        return self.sizes[0]

    @property
    def large(self) -> int:
        return self.sizes[-1]

    def add(self, fid: str, title: str, value: float, unit: str, goal: str, ok: bool | None,
            **detail: Any) -> dict[str, Any]:
        f = {"id": fid, "title": title, "value": round(value, 4), "unit": unit, "goal": goal,
             "status": "INFO" if ok is None else ("PASS" if ok else "GAP"),
             "load": loadavg(), "detail": detail}
        self.figures.append(f)
        self.log(format_figure(f))
        return f


def format_figure(f: dict[str, Any]) -> str:
    v = f["value"]
    shown = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
    return f"  [{f['status']:>4}] {f['title']}: {shown} {f['unit']}  (goal: {f['goal']})"


def _cli_profile(args: list[str]) -> Callable[[], Any]:
    """A CLI command run in this process (for profiling it)."""
    def run() -> None:
        import typer

        from quotestance.cli import app

        try:
            typer.main.get_command(app).main(args=args, standalone_mode=False)
        except SystemExit:
            pass
    return run


def _has_option(command: str, option: str) -> bool:
    import subprocess

    out = subprocess.run([QS, command, "--help"], capture_output=True, text=True).stdout
    return option in out


# -- validate ---------------------------------------------------------------------------------

def validate_speed(ctx: Ctx) -> None:
    """validate (library, one process) against parsing the same file with orjson alone."""
    import orjson

    from quotestance.validate import validate_files

    path = ctx.data[ctx.large]["gold"]

    def parse() -> Run:
        def go() -> None:
            with open(path, "rb") as f:
                for line in f:
                    orjson.loads(line)
        return in_process(go)

    def check() -> Run:
        out = []
        r = in_process(lambda: out.append(validate_files([path])))
        if not out[0].ok:
            raise RuntimeError(f"{path}: the synthetic corpus does not validate")
        return r

    runs = interleaved({"parse": parse, "validate": check}, ctx.repeats)
    # CPU time: both run in this one process, one thread each, so CPU seconds are the work
    # done whatever else runs on the machine; wall-clock is in the detail
    tp, tv = median([r.cpu for r in runs["parse"]]), median([r.cpu for r in runs["validate"]])
    wp, wv = median([r.wall for r in runs["parse"]]), median([r.wall for r in runs["validate"]])
    mib = path.stat().st_size / 2 ** 20
    ratio = tp / tv
    ctx.measurements["validate_vs_parse"] = {
        "articles": ctx.large, "file_mib": round(mib, 1),
        "parse": summary(runs["parse"]), "validate": summary(runs["validate"])}
    ctx.add("validate.speed", f"validate / orjson parse throughput ({ctx.large:,} articles)",
            ratio, "x", ">= 0.5", ratio >= 0.5, measure="CPU time", wall_ratio=round(wp / wv, 3),
            validate_articles_per_s=round(ctx.large / tv),
            validate_mib_per_s=round(mib / tv, 1), parse_articles_per_s=round(ctx.large / tp),
            parse_mib_per_s=round(mib / tp, 1))
    if ratio < 0.5:
        small = ctx.profile_data["gold"]
        ctx.profiles["validate.speed"] = profile(lambda: validate_files([small]))


# -- the three commands at every size: time and peak memory ------------------------------------

def _scaling(ctx: Ctx, name: str, make_cmd: Callable[[dict[str, Path], int], list[str]]
             ) -> dict[int, dict[str, Any]]:
    out = {}
    for n in ctx.sizes:
        cmd = make_cmd(ctx.data[n], n)
        runs = repeat(lambda: child(cmd, stdout=ctx.work / f"{name}-{n}.out"), ctx.repeats)
        out[n] = {**summary(runs), "command": " ".join(
            Path(c).name if i == 0 else str(c).replace(f"{ROOT}/", "")
            for i, c in enumerate(cmd))}  # paths relative to the checkout
        ctx.log(f"    {name} {n:>7,} articles: {out[n]['wall_s']:.2f} s, "
                f"{out[n]['rss_mib']:.0f} MiB peak ({len(runs)} run(s))")
    ctx.measurements[name] = {str(k): v for k, v in out.items()}
    return out


def _memory_figure(ctx: Ctx, name: str, res: dict[int, dict[str, Any]],
                   explain: Callable[[], Any]) -> None:
    a, b = res[ctx.small]["rss_mib"], res[ctx.large]["rss_mib"]
    per = (b - a) * 2 ** 20 / (ctx.large - ctx.small)
    ok = b <= FLAT * a or per <= PER_ARTICLE
    ctx.add(f"memory.{name}", f"peak memory of {name}, {ctx.large:,} / {ctx.small:,} articles",
            b / a, "x", f"flat (<= {FLAT}x, or < {PER_ARTICLE} B per extra article)", ok,
            bytes_per_extra_article=round(per),
            **{f"rss_mib_{n}": res[n]["rss_mib"] for n in ctx.sizes})
    if not ok:
        ctx.profiles[f"memory.{name}"] = memory_profile(explain, articles=ctx.profile_size)


def commands(ctx: Ctx) -> None:
    ctx.log("  validate, evaluate and predict (command line, fresh process per run):")
    val = _scaling(ctx, "validate", lambda d, n: [QS, "validate", "--format", "json", d["gold"]])
    ev = _scaling(ctx, "evaluate", lambda d, n: [
        QS, "evaluate", d["gold"], d["pred"], "--format", "json",
        "--output", ctx.work / f"evaluate-{n}.json"])
    pr = _scaling(ctx, "predict", lambda d, n: [
        QS, "predict", d["text"], "--system", "rules-quotes",
        "--output", ctx.work / f"predict-{n}.jsonl"])
    factor = ctx.large / ctx.small
    t = ev[ctx.large]["cpu_s"] / ev[ctx.small]["cpu_s"]  # the work; wall in the detail
    bound = 1.1 * factor
    ok = t <= bound
    ctx.add("evaluate.scaling", f"evaluate CPU time, {ctx.large:,} / {ctx.small:,} articles", t,
            "x", f"linear (<= {bound:g} for {factor:g}x data)", ok, measure="CPU time",
            wall_ratio=round(ev[ctx.large]["wall_s"] / ev[ctx.small]["wall_s"], 3),
            **{f"cpu_seconds_{n}": ev[n]["cpu_s"] for n in ctx.sizes},
            **{f"seconds_{n}": ev[n]["wall_s"] for n in ctx.sizes},
            **{f"us_per_article_{n}": round(1e6 * ev[n]["wall_s"] / n) for n in ctx.sizes})
    pd = ctx.profile_data
    if not ok:
        ctx.profiles["evaluate.scaling"] = profile(_cli_profile(
            ["evaluate", str(pd["gold"]), str(pd["pred"]), "-f", "json",
             "-o", str(ctx.work / "profile-eval.json")]))
    for n in ctx.sizes:
        ctx.add(f"evaluate.rate.{n}", f"evaluate, {n:,} articles", n / ev[n]["wall_s"],
                "articles/s", "reported", None, seconds=ev[n]["wall_s"])
    for n in ctx.sizes:
        ctx.add(f"predict.rate.{n}", f"predict rules-quotes (command), {n:,} articles",
                n / pr[n]["wall_s"], "articles/s", "reported", None, seconds=pr[n]["wall_s"])

    def eval_small():  # what the command keeps: it streams the gold, indexes the predictions
        from quotestance.corpus import iter_article_dicts
        from quotestance.evaluation import evaluate_articles, load_predictions

        preds = load_predictions(pd["pred"])
        return preds, evaluate_articles(iter_article_dicts([pd["gold"]], validate=False), preds)

    def validate_small():
        from quotestance.validate import validate_files
        return validate_files([pd["gold"]])

    def predict_small():
        from quotestance.systems import get_system, predict_file
        return predict_file(get_system("rules-quotes"), pd["text"], ctx.work / "mp.jsonl")

    _memory_figure(ctx, "validate", val, validate_small)
    _memory_figure(ctx, "evaluate", ev, eval_small)
    _memory_figure(ctx, "predict", pr, predict_small)


# -- baselines in process -----------------------------------------------------------------------

def baselines(ctx: Ctx) -> None:
    from generate import source_articles
    from quotestance.benchmark import make_input
    from quotestance.records import Article
    from quotestance_baselines.quotes_rules import extract

    arts = source_articles()
    texts = [a["text"] for a in arts]
    n = 500 if ctx.quick else 2000

    def go(k: int = n) -> None:
        for i in range(k):
            extract(texts[i % len(texts)])

    runs = repeat(lambda: in_process(go), ctx.repeats)
    rate = n / median([r.cpu for r in runs])
    chars = sum(map(len, texts)) / len(texts)
    ctx.measurements["extract"] = {"articles": n, "mean_chars": round(chars), **summary(runs)}
    ctx.add("extract.rate", "rule-based quote extraction, per core", rate,
            "articles/s", ">= 1,000", rate >= 1000, mean_chars=round(chars),
            wall_rate=round(n / median([r.wall for r in runs])))
    if rate < 1000:
        ctx.profiles["extract.rate"] = profile(lambda: go(300))

    from quotestance.corpus import load_corpus
    from quotestance.systems import get_system

    try:
        train = load_corpus("train")
    except Exception:  # no shipped corpus: fit on what we have
        train = [Article.from_dict(a) for a in arts]
    pipe = get_system("pipeline")
    fit = in_process(lambda: pipe.fit(train))
    inputs = [make_input(Article.from_dict(a), "e2e") for a in arts]
    m = 100 if ctx.quick else 400

    def run_pipe(k: int = m) -> None:
        for i in range(k):
            pipe.predict_article(inputs[i % len(inputs)])

    runs = repeat(lambda: in_process(run_pipe), ctx.repeats)
    rate = m / median([r.cpu for r in runs])
    steps = {}
    cur = [inputs[i % len(inputs)] for i in range(m)]
    for step in pipe.steps_:
        nxt: list = []
        r = in_process(lambda: nxt.extend(step.predict_article(a) for a in cur))
        steps[step.name] = round(r.cpu / m * 1000, 3)
        cur = nxt
    ctx.measurements["pipeline"] = {"articles": m, "fit_s": round(fit.wall, 3),
                                    "train_articles": len(train),
                                    "cpu_ms_per_article_by_step": steps, **summary(runs)}
    ctx.add("pipeline.rate", "full baseline pipeline (e2e), per core", rate, "articles/s",
            "reported", None, fit_seconds=round(fit.wall, 2),
            cpu_ms_per_article_by_step=steps)
    ctx.profiles["pipeline.rate"] = profile(lambda: run_pipe(60))


# -- start-up and the Hugging Face loader ------------------------------------------------------

HEAVY = ("numpy", "sklearn", "scipy", "datasets", "pyarrow", "pandas", "dask", "orjson", "yaml")


def startup(ctx: Ctx) -> None:
    k = max(10, 3 * ctx.repeats)
    runs = interleaved({"help": lambda: child([QS, "--help"]),
                        "python": lambda: child([PY, "-c", "pass"])}, k)
    d = median([r.wall for r in runs["help"]]) - median([r.wall for r in runs["python"]])
    probe = ("import sys, json, quotestance.cli; print(json.dumps(sorted(m for m in "
             f"{HEAVY!r} if m in sys.modules)))")
    import subprocess

    heavy = json.loads(subprocess.run([PY, "-c", probe], capture_output=True, text=True,
                                      cwd=ROOT).stdout or "[]")
    ctx.measurements["startup"] = {"help": summary(runs["help"]),
                                   "python": summary(runs["python"]),
                                   "heavy_modules_imported": heavy}
    ctx.add("startup.cli", "`quotestance --help` minus `python -c pass`", d, "s", "< 0.3",
            d < 0.3, help_s=round(median([r.wall for r in runs["help"]]), 3),
            python_s=round(median([r.wall for r in runs["python"]]), 3),
            heavy_modules_imported=heavy)
    if d >= 0.3:
        ctx.profiles["startup.cli"] = import_profile("quotestance.cli")


LOAD_HF = r"""
import json, time
t0 = time.perf_counter()
from quotestance.corpus import load_hf
t1 = time.perf_counter()
a = load_hf()
t2 = time.perf_counter()
a = load_hf()
t3 = time.perf_counter()
q = load_hf("quotes")
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "cold_s": t2 - t1, "warm_s": t3 - t2,
                  "quotes_warm_s": t4 - t3,
                  "articles": sum(len(s) for s in a.values()),
                  "quotes": sum(len(s) for s in q.values())}))
"""


def load_hf(ctx: Ctx) -> None:
    if not (ROOT / "corpus" / "data" / "articles" / "train.jsonl").is_file():
        ctx.log("  load_hf: no shipped corpus in this checkout; skipped")
        return
    rows = []
    for i in range(ctx.repeats):
        out = ctx.work / f"load_hf-{i}.json"
        r = child([PY, "-c", LOAD_HF], stdout=out)
        rows.append({**json.loads(out.read_text()), "process_s": r.wall, "rss_mib": r.rss_mib})
    med = {k: round(median([r[k] for r in rows]), 4) for k in rows[0]}
    ctx.measurements["load_hf"] = {"median": med, "runs": rows}
    ctx.add("load_hf.cold", f"load_hf() cold, first call in a fresh process "
            f"({med['articles']:.0f} articles)", med["cold_s"], "s", "reported", None,
            includes="importing datasets and pyarrow, validating, building the Arrow table",
            process_s=med["process_s"], rss_mib=med["rss_mib"])
    ctx.add("load_hf.warm", "load_hf() warm, second call in the same process",
            med["warm_s"], "s", "reported", None, quotes_view_warm_s=med["quotes_warm_s"])
