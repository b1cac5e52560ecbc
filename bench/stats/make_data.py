#!/usr/bin/python3
"""Writes the stats benchmark's CSV: 9 numeric columns x0..x8 (different scales, skew, some
missing values), a 20-level text column `category` and a numeric `target` that depends on it.
Fixed seed, so every machine benchmarks the same bytes.

    /usr/bin/python3 bench/stats/make_data.py --rows 1000000 --out bench/stats/data/stats_1m.csv
"""
import argparse
import os

import numpy as np
import pandas as pd

SEED = 20241123


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    n = args.rows
    columns = {}
    for i in range(9):
        if i % 3 == 0:
            values = rng.normal(100 * i, 10 + i, n)
        elif i % 3 == 1:
            values = rng.lognormal(1 + i / 10, 0.8, n)
        else:
            values = rng.uniform(-1000, 1000, n)
        values[rng.random(n) < 0.01] = np.nan
        columns[f"x{i}"] = np.round(values, 4)
    levels = np.array([f"level_{k:02d}" for k in range(20)])
    codes = rng.integers(0, 20, n)
    columns["category"] = levels[codes]
    columns["target"] = np.round(codes * 1.5 + rng.normal(0, 3, n), 4)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    pd.DataFrame(columns).to_csv(args.out, index=False, float_format="%.10g")


if __name__ == "__main__":
    main()
