#!/usr/bin/python3
"""CSV scan throughput: Quarry's reader against `wc -l` (the physical floor: read the bytes,
count newlines) and DuckDB (`SELECT count(*) FROM read_csv(...)`), side by side on the same
file, each in a fresh process: wall time, rows/s, MB/s and peak RSS (os.wait4).

Quarry's figure is the whole product path on one column: `quarry call stats_describe` with
columns ["id"] and quantiles "sketch" (so the describe keeps a bounded sketch, not every value)
— process start, the type-inference pass (every record tokenised, quote-aware, on every core),
the parallel parse into typed chunks of the one column asked for, and the describe. Like
DuckDB's count(*), it reads only what the query needs; unlike `wc -l`, it honours quoting.

    cmake --build build/release --target quarry quarry_stats
    (cd bench/stats && npm install)      # DuckDB's @duckdb/node-api, shared with the stats bench
    /usr/bin/python3 bench/scan/run.py --build build/release [--sizes 1000000 10000000]
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from measure import measure  # noqa: E402  (bench/measure.py)

HERE = os.path.dirname(os.path.abspath(__file__))
STATS = os.path.join(HERE, "..", "stats")  # its package.json brings @duckdb/node-api


def engines(build, path):
    data_dir = os.path.dirname(path)
    quarry = [os.path.join(build, "host", "quarry"), "--log-level", "warn",
              "--plugin-dir", os.path.join(build, "plugins"), "--data-root", data_dir,
              "--output-root", os.path.join(HERE, "results", "out"),
              "--set", "plugins.cache_dir=" + os.path.join(HERE, "results", "cache"),
              "call", "stats_describe", "--json",
              "--args", json.dumps({"path": os.path.basename(path), "columns": ["id"],
                                         "quantiles": "sketch"})]
    out = {"wc -l": ["wc", "-l", path], "quarry": quarry}
    if os.path.isdir(os.path.join(STATS, "node_modules", "@duckdb", "node-api")):
        out["duckdb"] = ["node", os.path.join(STATS, "duckdb_task.mjs"), "count", path]
    else:
        print("note: DuckDB skipped; run `npm install` in bench/stats first", file=sys.stderr)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000000, 10000000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the best counts")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    lines = ["| rows | engine | s | M rows/s | MB/s | peak RSS MiB | vs quarry |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for size in args.sizes:
        path = os.path.join(HERE, "data", f"scan_{size}.csv")
        if not os.path.exists(path):
            print(f"generating {path}", file=sys.stderr)
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_data.py"), "--rows",
                            str(size), "--out", path], check=True)
        megabytes = os.path.getsize(path) / 1e6
        results = {}
        for name, argv in engines(build, path).items():
            results[name] = min((measure(argv) for _ in range(args.repeat)), key=lambda r: r[0])
            print(f"{size:>9} {name:<7} {results[name][0]:7.2f} s {results[name][1]:7.1f} MiB",
                  file=sys.stderr)
        quarry_time = results["quarry"][0]
        for name, (seconds, rss) in results.items():
            lines.append(f"| {size:,} | {name} | {seconds:.2f} | {size / seconds / 1e6:.1f} | "
                         f"{megabytes / seconds:.0f} | {rss:.0f} | {seconds / quarry_time:.2f}x |")
    table = "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(HERE, "results", "RESULTS.md"), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
