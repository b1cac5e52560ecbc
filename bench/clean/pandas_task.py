#!/usr/bin/python3
"""The clean benchmark task in pandas (a fresh process, so peak RSS is the task's): read the
CSV, drop duplicate rows, fill x3's missing values with its mean, write CSV."""
import sys

import pandas as pd

src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
df = df.drop_duplicates()
df["x3"] = df["x3"].fillna(df["x3"].mean())
df.to_csv(out, index=False)
