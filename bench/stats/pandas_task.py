#!/usr/bin/python3
"""One benchmark task in pandas (a fresh process per task, so peak RSS is the task's):
read the CSV, then describe / correlation / groupby."""
import sys

import pandas as pd

task, path = sys.argv[1], sys.argv[2]
df = pd.read_csv(path)
numeric = [f"x{i}" for i in range(9)]
if task == "describe":
    out = df.describe(include="all")
    out = (out, df[numeric + ["target"]].skew(), df[numeric + ["target"]].kurt())
elif task == "correlation":
    out = df[numeric].corr()
elif task == "groupby":
    out = df.groupby("category")["target"].agg(["count", "mean", "std"])
else:
    raise SystemExit(f"unknown task {task}")
print(len(str(out)))
