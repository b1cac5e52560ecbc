#!/usr/bin/python3
"""Benchmarks the clean plugin against pandas and DuckDB on the stats benchmark's CSV files.

The task: read the CSV, drop duplicate rows, fill x3's missing values with its mean, write
the result as CSV. Each engine runs in a fresh process; wall time and peak RSS (os.wait4)
are recorded. Quarry runs the whole product path:

    quarry call pipeline_run --args {"input": {"path": ...},
        "stages": [{"tool": "clean_dedup"}, {"tool": "clean_fill_missing",
                    "arguments": {"fill": {"x3": "mean"}}}],
        "output": {"path": "clean.csv", "overwrite": true}}

(process start, plugin load, CSV inference and parse, clean_fill_missing's first pass for the
mean, the ordered dedup and fill stages, the CSV sink). pandas: read_csv, drop_duplicates,
fillna(mean), to_csv. DuckDB: COPY (SELECT DISTINCT ... coalesce(x3, avg)) TO. Quarry runs
twice per size: "quarry" with the column cache emptied first (the file's first cleaning: it
parses the CSV, fills the cache, and its second pass reads the cache back), "quarry-cached"
right after (a later cleaning of the unchanged file).

    cmake --build build --target quarry quarry_clean
    /usr/bin/python3 bench/clean/run.py --build build [--sizes 1000000 10000000] [--repeat 1]

Data: bench/stats/data/stats_<rows>.csv (made by bench/stats/make_data.py when missing).
--fill ffill runs the one-pass variant (forward fill instead of the mean) for hosts without
two-pass stages.
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


def quarry_argv(build, data_dir, path, out_root, fill, extra, on_budget):
    dedup = {"tool": "clean_dedup"}
    if on_budget != "error":
        dedup["arguments"] = {"on_budget": on_budget}
    args = {"input": {"path": path},
            "stages": [dedup,
                       {"tool": "clean_fill_missing", "arguments": {"fill": {"x3": fill}}}],
            "output": {"path": "clean.csv", "overwrite": True}}
    argv = [os.path.join(build, "host", "quarry"), "--log-level", "warn",
            "--plugin-dir", os.path.join(build, "plugins"), "--data-root", data_dir,
            "--output-root", out_root,
            "--set", "plugins.cache_dir=" + os.path.join(HERE, "results", "cache")]
    for setting in extra:
        argv += ["--set", setting]
    return argv + ["call", "pipeline_run", "--json", "--args", json.dumps(args)]


def empty_column_cache():
    """Before a first run: no columns cached, and no earlier cache still being written back."""
    shutil.rmtree(os.path.join(HERE, "results", "cache", "columns"), ignore_errors=True)
    os.sync()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000000, 10000000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best time counts")
    parser.add_argument("--fill", default="mean", choices=["mean", "ffill"])
    parser.add_argument("--set", action="append", default=[], help="extra quarry --set KEY=VALUE")
    parser.add_argument("--on-budget", default="error", choices=["error", "spill", "approximate"],
                        help="clean_dedup's on_budget: spill (exact, row hashes on disk past the "
                             "budget) and approximate (Bloom filter) keep memory flat")
    parser.add_argument("--engines", nargs="+", default=["quarry", "quarry-cached", "pandas", "duckdb"],
                        help="quarry: the file's first cleaning (parses the CSV, fills the column "
                             "cache); quarry-cached: a later one (columns from the cache)")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    out_root = os.path.join(HERE, "results", "out")
    os.makedirs(out_root, exist_ok=True)
    rows = []
    for size in args.sizes:
        path = os.path.join(STATS, "data", f"stats_{size}.csv")
        if not os.path.exists(path):
            subprocess.run(["/usr/bin/python3", os.path.join(STATS, "make_data.py"), "--rows", str(size),
                            "--out", path], check=True)
        quarry = quarry_argv(build, os.path.dirname(path), path, out_root, args.fill, args.set,
                             args.on_budget)
        engines = {
            "quarry": quarry,
            "quarry-cached": quarry,
            "pandas": ["/usr/bin/python3", os.path.join(HERE, "pandas_task.py"), path,
                       os.path.join(out_root, "pandas.csv")],
        }
        if os.path.isdir(os.path.join(STATS, "node_modules", "@duckdb", "node-api")):
            engines["duckdb"] = ["node", os.path.join(HERE, "duckdb_task.mjs"), path,
                                 os.path.join(out_root, "duckdb.csv")]
        else:
            print("note: DuckDB skipped; run `npm install` in bench/stats first", file=sys.stderr)
        cell = {"rows": size}
        for name, argv in engines.items():
            if name not in args.engines:
                continue
            runs = []
            for _ in range(args.repeat):
                if name == "quarry":
                    empty_column_cache()
                # Every run starts with no dirty pages: the writeback of the run before (a
                # 0.9 GB output at 10M rows, plus quarry's column cache) would otherwise land in
                # this run's time, whichever engine it is.
                os.sync()
                runs.append(measure(argv, keep_stdout=True))
            best = min(runs, key=lambda r: r[0])
            cell[name] = best[:2]
            print(f"{size:>9} {name:<13} {best[0]:8.2f} s {best[1]:8.1f} MiB", file=sys.stderr)
            if name == "quarry":
                result = json.loads(best[2])
                stages = result.get("structuredContent", {}).get("stages", [])
                print(json.dumps(stages)[:600], file=sys.stderr)
        rows.append(cell)
    table = render(rows, args.fill + (f", dedup on_budget {args.on_budget}"
                                      if args.on_budget != "error" else ""))
    print(table)
    with open(os.path.join(HERE, "results", "RESULTS.md"), "w") as f:
        f.write(table)
    shutil.rmtree(out_root, ignore_errors=True)


def render(rows, fill):
    lines = [f"task: dedup + fill x3 ({fill}) + write CSV", "",
             "| rows | quarry run | quarry s | pandas s | duckdb s | pandas / quarry | duckdb / quarry "
             "| quarry RSS MiB | pandas RSS MiB | duckdb RSS MiB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    nan = (float("nan"), float("nan"))
    for r in rows:
        p, d = r.get("pandas", nan), r.get("duckdb", nan)
        for variant, label in (("quarry", "first (parses CSV)"), ("quarry-cached", "later (column cache)")):
            q = r.get(variant, nan)
            lines.append(f"| {r['rows']:,} | {label} | {q[0]:.2f} | {p[0]:.2f} | {d[0]:.2f} | "
                         f"{p[0] / q[0]:.1f}x | {d[0] / q[0]:.1f}x | {q[1]:.0f} | {p[1]:.0f} | {d[1]:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
