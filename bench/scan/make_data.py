#!/usr/bin/python3
"""Writes the CSV scan benchmark's file: id, ts (ISO 8601 timestamps), category (12 levels),
f0..f7 (floats of different scales), target, label (0/1), note (short text with commas and
quotes), with about 2% missing values per column and about 1% duplicated rows. Fixed seed, so
every machine benchmarks the same bytes.

    /usr/bin/python3 bench/scan/make_data.py --rows 1000000 --out bench/scan/data/scan_1000000.csv
"""
import argparse
import os

import numpy as np
import pandas as pd

SEED = 20261123


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    n = args.rows
    frame = pd.DataFrame({
        "id": np.arange(n, dtype=np.int64),
        "ts": (pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 365 * 86400, n)), unit="s"))
        .strftime("%Y-%m-%dT%H:%M:%S"),
        "category": np.array([f"cat_{k:02d}" for k in range(12)])[rng.integers(0, 12, n)],
    })
    for i in range(8):
        frame[f"f{i}"] = np.round(rng.normal(10 ** (i % 4), 1 + i, n), 5)
    frame["target"] = np.round(frame["f0"] * 0.5 + rng.normal(0, 1, n), 5)
    frame["label"] = (rng.random(n) < 0.3).astype(np.int64)
    words = np.array(["ok", "late, again", "said \"fine\"", "n/a", "refund", "ship today"])
    frame["note"] = words[rng.integers(0, len(words), n)]
    for column in frame.columns[1:]:
        missing = rng.random(n) < 0.02
        frame[column] = frame[column].astype(object).where(~missing, None)
    duplicates = frame.sample(frac=0.01, random_state=SEED)
    frame = pd.concat([frame, duplicates]).sort_index(kind="stable").reset_index(drop=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    frame.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
