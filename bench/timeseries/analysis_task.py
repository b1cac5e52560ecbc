#!/usr/bin/python3
"""The benchmark's analysis tasks in pandas + statsmodels (a fresh process per run, so peak RSS
is the task's own), matching what `quarry call` runs:

  anomalies  read_csv; z = (x - x.rolling(60).mean().shift(1)) / x.rolling(60).std().shift(1);
             the rows with |z| > 3 (ts_anomalies, method zscore, window 60)
  arima      read_csv; ARIMA(target, order=(1, 0, 1)).fit().get_forecast(24) with 95% intervals
             (ts_forecast, method arima, order [1, 0, 1])
  holt       read_csv; ExponentialSmoothing(target, trend="add").fit().forecast(24)
             (ts_forecast, method holt_winters, trend add)

    /usr/bin/python3 analysis_task.py TASK PATH
"""
import sys
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
task, path = sys.argv[1], sys.argv[2]
x = pd.read_csv(path)["target"].dropna().reset_index(drop=True)
if task == "anomalies":
    r = x.rolling(60)
    z = (x - r.mean().shift(1)) / r.std().shift(1)
    flagged = np.flatnonzero(np.abs(z.to_numpy()) > 3)
    print(len(flagged), flagged[:5])
elif task == "arima":
    from statsmodels.tsa.arima.model import ARIMA
    fit = ARIMA(x.to_numpy(), order=(1, 0, 1)).fit()
    f = fit.get_forecast(24)
    print(fit.params, f.predicted_mean[:3], f.conf_int()[:3])
elif task == "holt":
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    fit = ExponentialSmoothing(x.to_numpy(), trend="add").fit()
    print(fit.params["smoothing_level"], fit.forecast(24)[:3])
else:
    raise SystemExit(f"unknown task {task}")
