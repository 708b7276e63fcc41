"""Write the measured figures into docs/performance.md from a results file of bench/run.py.

    .venv/bin/python bench/report.py [bench/results/latest.json]      # rewrite the blocks
    .venv/bin/python bench/report.py --check                          # exit 1 when stale

Only the blocks between ``<!-- perf:NAME -->`` and ``<!-- /perf:NAME -->`` are generated; the
prose around them is written by hand and holds no measured number.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
RESULTS = ROOT / "bench" / "results" / "latest.json"
BLOCK = re.compile(r"(<!-- perf:(\w+) -->\n)(.*?)(<!-- /perf:\2 -->)", re.S)


def fmt(v: float) -> str:
    if v != v:  # nan
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def _table(head: list[str], rows: list[list[Any]], align: str = "") -> str:
    align = align or "l" + "r" * (len(head) - 1)
    sep = ["---" if a == "l" else "--:" for a in align]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(sep) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def machine(r: dict[str, Any]) -> str:
    m = r["machine"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    loads = r["load_average"]
    lo = ", ".join(f"{k} {v[0]}" for k, v in loads.items() if v)
    return (f"Measured {r['created']} by `.venv/bin/python {r['command'].strip()}` "
            f"({r['duration_s']:,} s; sizes {', '.join(f'{n:,}' for n in r['settings']['sizes'])}"
            f" articles; up to {r['settings']['repeats']} runs each, medians) at commit "
            f"`{m['commit']}`.\n\n"
            f"- CPU: {m['cpu']}, {m['usable_cores']} usable core(s) of {m['cores']}; "
            f"memory {m['memory']}\n"
            f"- Python {m['python']} ({m['implementation']}), {m['os']}\n"
            f"- packages: {pk}\n"
            f"- one-minute load average (other processes share the machine): {lo}\n")


def figures(r: dict[str, Any]) -> str:
    rows = [[f["title"], f"{fmt(f['value'])} {f['unit']}", f["goal"], f"**{f['status']}**"
             if f["status"] == "GAP" else f["status"]] for f in r["figures"]]
    errs = "".join(f"\nError in `{k}`: {v}\n" for k, v in r.get("errors", {}).items())
    return _table(["figure", "value", "goal", "status"], rows, "lrll") + errs


def commands(r: dict[str, Any]) -> str:
    rows = []
    for name in ("validate", "evaluate", "predict"):
        for n, s in r["measurements"].get(name, {}).items():
            rows.append([f"`{s['command'].split(' ', 1)[0]} {name}`", f"{int(n):,}",
                         fmt(s["wall_s"]), fmt(s["cpu_s"]), fmt(int(n) / s["wall_s"]),
                         fmt(s["rss_mib"]), s["repeats"]])
    if not rows:
        return "(not measured in this run)\n"
    return _table(["command", "articles", "wall s", "CPU s", "articles/s", "peak MiB", "runs"],
                  rows)


def parallel(r: dict[str, Any]) -> str:
    rows = []
    for key, m in r["measurements"].items():
        if not key.startswith(("jobs.", "dask.")):
            continue
        if "skipped" in m:
            rows.append([f"`{key}`", "–", "–", "–", "–", "–", "–", m["skipped"]])
            continue
        one, many = (m["jobs_1"], m["jobs_2"]) if key.startswith("jobs.") else \
            (m["local"], m["dask"])
        what = f"{m['articles']:,} articles" + (f" in {m['shards']} shards" if "shards" in m
                                                else "")
        rows.append([f"`{key}`", what, fmt(one["wall_s"]), fmt(many["wall_s"]),
                     fmt(one["wall_s"] / many["wall_s"]) + "x", fmt(one["cpu_s"]),
                     fmt(many["cpu_s"]), "yes" if m["identical"] else "**no**"])
    if not rows:
        return "(not measured in this run)\n"
    return _table(["run", "data", "one process s", "2 processes s", "speed-up",
                   "CPU s, one", "CPU s, 2", "identical output"], rows, "llrrrrrl")


def profiles(r: dict[str, Any]) -> str:
    out = []
    for fid, rows in r.get("profiles", {}).items():
        if not rows:
            continue
        out.append(f"**`{fid}`**\n\n")
        if "function" in rows[0]:
            by = "own" if rows == sorted(rows, key=lambda x: -x["own_s"]) else "cumulative"
            out.append(_table([f"function (cProfile, by {by} time)", "calls", "own s", "cum. s",
                               "share"],
                              [[f"`{x['function']}`", f"{x['calls']:,}", fmt(x["own_s"]),
                                fmt(x["cumulative_s"]), f"{100 * x['own_share']:.0f}%"]
                               for x in rows]))
        elif "module" in rows[0]:
            out.append(_table(["import (-X importtime)", "cumulative ms"],
                              [[f"`{x['module']}`", fmt(x["cumulative_ms"])] for x in rows]))
        else:
            head, *rest = rows
            n = head.get("articles")
            fig = next((f for f in r["figures"] if f["id"] == fid), {})
            grow = fig.get("detail", {}).get("bytes_per_extra_article")
            out.append(f"tracemalloc peak {fmt(head['peak_traced_mib'])} MiB"
                       + (f" over {n:,} articles" if n else "")
                       + (f"; the command's peak RSS grew {fmt(grow / 1024)} KiB per extra "
                          "article between the two sizes" if grow else "")
                       + ". Largest holders when the work returns (module code included):\n\n")
            out.append(_table(["allocated at", "MiB", "blocks"],
                              [[f"`{x['where']}`", fmt(x["mib"]), f"{x['blocks']:,}"]
                               for x in rest]))
        out.append("\n")
    return "".join(out) or "(no profile: every goal met)\n"


RENDER = {"machine": machine, "figures": figures, "commands": commands, "parallel": parallel,
          "profiles": profiles}


def render(doc: str, results: dict[str, Any]) -> str:
    def sub(m: re.Match) -> str:
        fn = RENDER.get(m.group(2))
        return m.group(0) if fn is None else m.group(1) + fn(results) + m.group(4)
    return BLOCK.sub(sub, doc)


def write_docs(results: Path = RESULTS, doc: Path = DOC) -> bool:
    """Rewrite the generated blocks; True when the file changed."""
    res = json.loads(Path(results).read_text(encoding="utf-8"))
    old = doc.read_text(encoding="utf-8")
    new = render(old, res)
    if new != old:
        tmp = doc.with_name(doc.name + ".tmp")
        tmp.write_text(new, encoding="utf-8")
        os.replace(tmp, doc)
    return new != old


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="?", type=Path, default=RESULTS)
    ap.add_argument("--check", action="store_true",
                    help="Only check that the doc matches the results (exit 1 if not).")
    a = ap.parse_args(argv)
    if a.check:
        res = json.loads(a.results.read_text(encoding="utf-8"))
        text = DOC.read_text(encoding="utf-8")
        if render(text, res) != text:
            print(f"{DOC}: out of date with {a.results}; run bench/report.py", file=sys.stderr)
            return 1
        return 0
    changed = write_docs(a.results)
    print(f"{DOC}: {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
