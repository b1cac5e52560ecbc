#!/usr/bin/python3
"""Benchmarks the stats plugin against pandas and DuckDB on the same CSV files.

For each size (default 1M and 10M rows) and task (describe, 9x9 correlation, group-by of
`target` by `category` with count/mean/std) it runs each engine in a fresh process that reads
the CSV and computes the result, and records wall time and peak RSS (os.wait4, so the process's
own peak). Prints a Markdown table with the ratios and writes it to results/RESULTS.md.

    cmake --build build --target quarry quarry_stats
    (cd bench/stats && npm install)          # DuckDB's @duckdb/node-api
    /usr/bin/python3 bench/stats/run.py --build build [--sizes 1000000 10000000] [--repeat 3]

Quarry runs as `quarry call <tool> --args {...}` with the plugin from <build>/plugins, i.e. the
whole product path: process start, plugin load, CSV inference pass, parallel parse, stages on
the flow graph, merge, result rendering. It runs twice per cell:
  quarry         the first question about the file: the column cache is emptied (and dirty
                 pages synced) before each run, so the run parses the CSV and fills the cache;
  quarry-cached  a later question about the same, unchanged file: the columns come back from
                 the column cache the first run filled (the pandas and DuckDB scripts read the
                 CSV file every time, as the peers have no such cache across processes).
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
TASKS = ["describe", "correlation", "groupby"]
XS = [f"x{i}" for i in range(9)]


CACHE = os.path.join(HERE, "results", "cache")


def empty_column_cache():
    shutil.rmtree(os.path.join(CACHE, "columns"), ignore_errors=True)
    os.sync()  # so that writing back an earlier run's cache does not slow this one


def quarry_argv(build, data_dir, task, path):
    args = {"path": path}
    if task == "describe":
        tool = "stats_describe"
    elif task == "correlation":
        tool = "stats_correlation"
        args.update({"columns": XS, "methods": ["pearson"]})
    else:
        tool = "stats_groupby"
        args.update({"by": "category", "values": ["target"], "aggregations": ["count", "mean", "std"]})
    return [os.path.join(build, "host", "quarry"), "--log-level", "warn",
            "--plugin-dir", os.path.join(build, "plugins"), "--data-root", data_dir,
            "--output-root", os.path.join(HERE, "results", "out"),
            "--set", "plugins.cache_dir=" + CACHE,
            "call", tool, "--json", "--args", json.dumps(args)]


def engines(build, data_dir):
    """name -> (argv for a task and file, what to do before each run)."""
    quarry = (lambda task, path: quarry_argv(build, data_dir, task, path))
    out = {"quarry": (quarry, empty_column_cache),
           "quarry-cached": (quarry, lambda: None),
           "pandas": (lambda task, path: ["/usr/bin/python3", os.path.join(HERE, "pandas_task.py"),
                                          task, path], lambda: None)}
    if os.path.isdir(os.path.join(HERE, "node_modules", "@duckdb", "node-api")):
        out["duckdb"] = (lambda task, path: ["node", os.path.join(HERE, "duckdb_task.mjs"), task, path],
                         lambda: None)
    else:
        print("note: DuckDB skipped; run `npm install` in bench/stats first", file=sys.stderr)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True, help="CMake build directory with quarry and the plugin")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000000, 10000000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the best time counts")
    parser.add_argument("--data", default=os.path.join(HERE, "data"))
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS),
                        help="which tasks to run (default: all)")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    rows = []
    for size in args.sizes:
        path = os.path.join(os.path.abspath(args.data), f"stats_{size}.csv")
        if not os.path.exists(path):
            print(f"generating {path}", file=sys.stderr)
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_data.py"), "--rows", str(size),
                            "--out", path], check=True)
        for task in args.tasks:
            cell = {"rows": size, "task": task}
            for name, (argv, prepare) in engines(build, os.path.dirname(path)).items():
                runs = []
                for _ in range(args.repeat):
                    prepare()
                    runs.append(measure(argv(task, path)))
                best = min(runs, key=lambda r: r[0])
                cell[name] = best
                print(f"{size:>9} {task:<12} {name:<13} {best[0]:8.2f} s {best[1]:8.1f} MiB", file=sys.stderr)
            rows.append(cell)
    table = render(rows)
    print(table)
    with open(os.path.join(HERE, "results", "RESULTS.md"), "w") as f:
        f.write(table)
    shutil.rmtree(os.path.join(HERE, "results", "out"), ignore_errors=True)


def render(rows):
    """One line per quarry variant: first question (parses) and later question (cached)."""
    lines = ["| rows | task | quarry run | quarry s | pandas s | duckdb s | pandas / quarry "
             "| duckdb / quarry | quarry RSS MiB | pandas RSS MiB | duckdb RSS MiB |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    nan = (float("nan"), float("nan"))
    for r in rows:
        p = r.get("pandas", nan)
        d = r.get("duckdb", nan)
        for variant, label in (("quarry", "first (parses CSV)"), ("quarry-cached", "later (column cache)")):
            q = r.get(variant, nan)
            lines.append(f"| {r['rows']:,} | {r['task']} | {label} | {q[0]:.2f} | {p[0]:.2f} | {d[0]:.2f} | "
                         f"{p[0] / q[0]:.1f}x | {d[0] / q[0]:.1f}x | {q[1]:.0f} | {p[1]:.0f} | {d[1]:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
