#!/usr/bin/python3
"""The time-series benchmark task in pandas + statsmodels (a fresh process, so peak RSS is the
task's own): read the CSV, add the 60-row rolling mean of `target`, compute the ACF of `target`
for lags 0..10 (statsmodels 0.13 acf, fft=True as its default); with an output path also write
the table with the added column as CSV (what `quarry` does with pipeline_run's output)."""
import sys
import warnings

import pandas as pd
from statsmodels.tsa.stattools import acf

warnings.simplefilter("ignore")
path = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else None
df = pd.read_csv(path)
df["target_rolling_mean_60"] = df["target"].rolling(60).mean()
coefficients = acf(df["target"], nlags=10, missing="drop")
if out:
    df.to_csv(out, index=False)
print(coefficients[1], df["target_rolling_mean_60"].iloc[-1])
