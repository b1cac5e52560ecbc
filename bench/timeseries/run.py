#!/usr/bin/python3
"""Benchmarks the timeseries plugin against pandas + statsmodels on the stats benchmark's files.

One task, as issue #7 asks: the 60-row rolling mean of `target` plus its ACF for lags 1..10,
over ONE read of the file. Quarry runs it as one `pipeline_run` (ts_rolling then ts_acf) through
the real host (`quarry call pipeline_run`: process start, plugin load, the CSV reader's passes,
the ordered stages on the flow graph, rendering); pandas as read_csv + rolling(60).mean() +
statsmodels acf. Two variants: `dry` (the rolled column is computed but not written; pandas
keeps it in the frame) and `write` (both write the table with the added column as CSV).
Each engine runs in a fresh process; wall time and the process's own peak RSS (os.wait4).

    cmake --build build --target quarry quarry_timeseries
    /usr/bin/python3 bench/timeseries/run.py --build build [--sizes 1000000 10000000] [--repeat 1]

Data: bench/stats/data/stats_<rows>.csv (bench/stats/make_data.py; generated when missing).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from measure import measure  # noqa: E402  (bench/measure.py)

HERE = os.path.dirname(os.path.abspath(__file__))
STATS = os.path.join(os.path.dirname(HERE), "stats")
OUT = os.path.join(HERE, "results", "out")


def quarry_argv(build, path, variant):
    args = {"input": {"path": os.path.basename(path)},
            "stages": [{"tool": "ts_rolling", "arguments": {"column": "target", "window": 60}},
                       {"tool": "ts_acf", "arguments": {"column": "target", "nlags": 10}}]}
    if variant == "write":
        args["output"] = {"path": "quarry_rolled.csv", "overwrite": True}
    return [os.path.join(build, "host", "quarry"), "--log-level", "warn",
            "--plugin-dir", os.path.join(build, "plugins"), "--data-root", os.path.dirname(path),
            "--output-root", OUT, "--set", "plugins.cache_dir=" + os.path.join(HERE, "results", "cache"),
            "call", "pipeline_run", "--json", "--args", json.dumps(args)]


def pandas_argv(path, variant):
    argv = ["/usr/bin/python3", os.path.join(HERE, "pandas_task.py"), path]
    if variant == "write":
        argv.append(os.path.join(OUT, "pandas_rolled.csv"))
    return argv


ANALYSES = {  # task → ts tool and its arguments (analysis_task.py runs the same in Python)
    "anomalies": ("ts_anomalies", {"column": "target", "window": 60, "max_anomalies": 100}),
    "arima": ("ts_forecast", {"column": "target", "method": "arima", "order": [1, 0, 1], "horizon": 24}),
    "holt": ("ts_forecast", {"column": "target", "trend": "add", "horizon": 24}),
}


def analysis_argvs(build, path, task):
    tool, arguments = ANALYSES[task]
    arguments = dict(arguments, path=path)
    quarry = [os.path.join(build, "host", "quarry"), "--log-level", "warn",
              "--plugin-dir", os.path.join(build, "plugins"), "--data-root", os.path.dirname(path),
              "--set", "plugins.cache_dir=" + os.path.join(HERE, "results", "cache"),
              "--output-root", OUT, "--set", "memory.budget_mb=1024",
              "call", tool, "--json", "--args", json.dumps(arguments)]
    pandas = ["/usr/bin/python3", os.path.join(HERE, "analysis_task.py"), task, path]
    return quarry, pandas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000000, 10000000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best time counts")
    parser.add_argument("--data", default=os.path.join(STATS, "data"))
    parser.add_argument("--analyses", nargs="*", default=[], choices=sorted(ANALYSES),
                        help="also time these whole-series analyses (and skip nothing else)")
    parser.add_argument("--only-analyses", action="store_true",
                        help="time only the analyses, not the rolling + ACF pipeline")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for size in args.sizes:
        path = os.path.join(os.path.abspath(args.data), f"stats_{size}.csv")
        if not os.path.exists(path):
            subprocess.run(["/usr/bin/python3", os.path.join(STATS, "make_data.py"), "--rows", str(size),
                            "--out", path], check=True)
        for task in args.analyses:
            cell = {"rows": size, "variant": task}
            for name, argv in zip(["quarry", "pandas"], analysis_argvs(build, path, task)):
                best = min((measure(argv) for _ in range(args.repeat)), key=lambda r: r[0])
                cell[name] = best
                print(f"{size:>9} {task:<9} {name:<7} {best[0]:8.2f} s {best[1]:8.1f} MiB", file=sys.stderr)
            rows.append(cell)
        for variant in ([] if args.only_analyses else ["dry", "write"]):
            cell = {"rows": size, "variant": variant}
            for name, argv in [("quarry", quarry_argv(build, path, variant)), ("pandas", pandas_argv(path, variant))]:
                best = min((measure(argv) for _ in range(args.repeat)), key=lambda r: r[0])
                cell[name] = best
                print(f"{size:>9} {variant:<6} {name:<7} {best[0]:8.2f} s {best[1]:8.1f} MiB", file=sys.stderr)
            rows.append(cell)
            shutil.rmtree(OUT, ignore_errors=True)
            os.makedirs(OUT, exist_ok=True)
    table = render(rows)
    print(table)
    with open(os.path.join(HERE, "results", "RESULTS.md"), "w") as f:
        f.write(table)
    shutil.rmtree(OUT, ignore_errors=True)


def render(rows):
    lines = ["| rows | variant | quarry s | pandas+statsmodels s | pandas / quarry | quarry RSS MiB | pandas RSS MiB |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        q, p = r["quarry"], r["pandas"]
        lines.append(f"| {r['rows']:,} | {r['variant']} | {q[0]:.2f} | {p[0]:.2f} | {p[0] / q[0]:.1f}x | "
                     f"{q[1]:.0f} | {p[1]:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
