#!/usr/bin/python3
"""Regenerates the timeseries plugin's test fixtures and their reference values.

Run with Debian's interpreter (numpy 1.24, pandas 1.5, SciPy 1.10, statsmodels 0.13):

    /usr/bin/python3 tests/unit/plugins/timeseries/make_fixtures.py

Writes (fixed seed, so the files are reproducible):
  fixtures/ts_fixture.csv  720 hourly rows from 2023-01-01T00:00:00Z (ISO text):
      value  trend + daily season + noise, with 15 empty cells (nulls)
      walk   a Gaussian random walk
      ar2    an AR(2) process x_t = 0.6 x_{t-1} - 0.3 x_{t-2} + e_t
      pos    a positive series with a multiplicative daily season (for model=multiplicative)
      const  the constant 5
  fixtures/ts_events.csv   1500 irregular, time-sorted rows (steps of 0..119 s, so duplicates
      and gaps) with a group column `sensor` (a/b/c) and `value` (nulls included)
  fixtures/ts_gaps.csv  210 daily rows from 2023-03-01 (time, y, filled): y = trend + weekly
      season + noise with three spikes and 11 empty cells in runs of 1, 3, 5 and 2 (never at the
      ends); filled = y.interpolate() (pandas, linear)
  fixtures/ts_gaps_absent.csv  the same rows without those 11: the dates are skipped instead
  fixtures/ts_arma.csv  2000 values (y) of an ARIMA(5,1,5) process, for the order whose fit used
      to take minutes
  fixtures/ts_reference.json  every reference result, each as {"call": "<the exact Python call
      that produced it>", "values": ...}; the tests read them by name and print the call when
      a value differs. The CSVs are read back with float_precision="round_trip", so pandas and
      statsmodels see exactly the doubles the plugin parses.
"""
import datetime
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa import stattools
from scipy import stats as scipy_stats
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.seasonal import seasonal_decompose

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
SEED = 20240607
N = 720

warnings.simplefilter("ignore")


def generate():
    rng = np.random.default_rng(SEED)
    t = np.arange(N)
    time = pd.date_range("2023-01-01", periods=N, freq="H")
    value = np.round(10 + 0.01 * t + 3 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, N), 6)
    value = value.astype(object)
    for i in rng.choice(np.arange(30, N), 15, replace=False):
        value[i] = None
    walk = np.round(np.cumsum(rng.normal(0, 1, N)), 6)
    e = rng.normal(0, 1, N + 50)
    ar = np.zeros(N + 50)
    for i in range(2, N + 50):
        ar[i] = 0.6 * ar[i - 1] - 0.3 * ar[i - 2] + e[i]
    ar2 = np.round(ar[50:], 6)
    pos = np.round((50 + 0.05 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 24)) * np.exp(rng.normal(0, 0.02, N)), 6)
    df = pd.DataFrame({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": value, "walk": walk,
                       "ar2": ar2, "pos": pos, "const": 5})
    df.to_csv(os.path.join(FIX, "ts_fixture.csv"), index=False)

    m = 1500
    steps = rng.integers(0, 120, m)
    steps[rng.choice(m, 8, replace=False)] = 1800  # a few half-hour gaps
    times = pd.Timestamp("2023-03-01T00:00:00") + pd.to_timedelta(np.cumsum(steps), unit="s")
    sensor = rng.choice(["a", "b", "c"], m)
    ev = np.round(rng.normal(20, 5, m), 4).astype(object)
    for i in rng.choice(m, 30, replace=False):
        ev[i] = None
    events = pd.DataFrame({"time": times.strftime("%Y-%m-%dT%H:%M:%SZ"), "sensor": sensor, "value": ev})
    events.to_csv(os.path.join(FIX, "ts_events.csv"), index=False)


def generate_spikes():
    rng = np.random.default_rng(SEED + 1)
    n = 600
    t = np.arange(n)
    y = 20 + 5 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, n)
    at = rng.choice(np.arange(40, n - 20), 14, replace=False)
    y[at] += rng.choice([-1, 1], 14) * rng.uniform(6, 10, 14)
    y = np.round(y, 6).astype(object)
    # Nulls only near the end (the decomposition baseline interpolates them).
    for i in rng.choice(np.setdiff1d(np.arange(n - 24, n), at), 2, replace=False):
        y[i] = None
    time = pd.date_range("2023-05-01", periods=n, freq="H")
    pd.DataFrame({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "y": y}).to_csv(
        os.path.join(FIX, "ts_spikes.csv"), index=False)


GAP_ROWS = [30, 61, 62, 63, 120, 121, 122, 123, 124, 170, 171]


def generate_gaps():
    rng = np.random.default_rng(SEED + 2)
    n = 210
    t = np.arange(n)
    week = np.array([0.0, 3.0, 6.0, 3.0, 0.0, -5.0, -7.0])
    y = 50 + 0.05 * t + week[t % 7] + rng.normal(0, 0.5, n)
    y[[45, 100, 150]] += [8.0, -9.0, 7.5]
    y = pd.Series(np.round(y, 6))
    y[GAP_ROWS] = np.nan
    time = pd.date_range("2023-03-01", periods=n, freq="D").strftime("%Y-%m-%dT%H:%M:%SZ")
    df = pd.DataFrame({"time": time, "y": y, "filled": y.interpolate()})
    df.to_csv(os.path.join(FIX, "ts_gaps.csv"), index=False)
    df.drop(index=GAP_ROWS)[["time", "y"]].to_csv(os.path.join(FIX, "ts_gaps_absent.csv"), index=False)


def generate_arma():
    rng = np.random.default_rng(SEED + 3)
    n, burn = 2000, 200
    phi, theta = [0.5, -0.2, 0.1, 0.05, -0.05], [0.3, 0.2, -0.1, 0.05, 0.02]
    e = rng.normal(0, 1, n + burn)
    w = np.zeros(n + burn)
    for t in range(5, n + burn):
        w[t] = e[t] + sum(phi[i] * w[t - 1 - i] + theta[i] * e[t - 1 - i] for i in range(5))
    y = np.round(100 + np.cumsum(w[burn:]), 6)
    pd.DataFrame({"y": y}).to_csv(os.path.join(FIX, "ts_arma.csv"), index=False)


def load(name):
    return pd.read_csv(os.path.join(FIX, name), float_precision="round_trip")


def arr(values):
    return [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v)
            for v in np.asarray(values, dtype=float)]


REF = {}


def ref(name, call, values):
    REF[name] = {"call": call, "values": values}


def rolling_refs(df, events):
    x = df["value"]
    for stat in ["mean", "sum", "std", "var", "min", "max", "median"]:
        ref(f"rolling24_{stat}", f'df["value"].rolling(24).{stat}()', arr(getattr(x.rolling(24), stat)()))
    for stat in ["mean", "std", "median"]:
        ref(f"rolling5_mp1_{stat}", f'df["value"].rolling(5, min_periods=1).{stat}()',
            arr(getattr(x.rolling(5, min_periods=1), stat)()))
    ref("ewm_span12", 'df["value"].ewm(span=12).mean()', arr(x.ewm(span=12).mean()))
    ref("ewm_alpha03_noadjust", 'df["value"].ewm(alpha=0.3, adjust=False).mean()',
        arr(x.ewm(alpha=0.3, adjust=False).mean()))
    ref("ewm_halflife5_ignore_na", 'df["value"].ewm(halflife=5, ignore_na=True).mean()',
        arr(x.ewm(halflife=5, ignore_na=True).mean()))
    ref("ewm_com2_mp3", 'df["value"].ewm(com=2, min_periods=3).mean()', arr(x.ewm(com=2, min_periods=3).mean()))
    ev = events.assign(time=pd.to_datetime(events["time"]))
    for stat in ["mean", "sum", "std", "min", "max", "median"]:
        ref(f"events_5min_{stat}", f'events.rolling("5min", on="time")["value"].{stat}()',
            arr(getattr(ev.rolling("5min", on="time")["value"], stat)()))
    # Per sensor (rows interleaved), back in the file's row order.
    def in_row_order(series):
        return arr(series.reset_index(level=0, drop=True).sort_index())
    by = ev.groupby("sensor")
    for stat in ["mean", "std", "median"]:
        ref(f"events_by_sensor_rows3_{stat}",
            f'events.groupby("sensor")["value"].rolling(3).{stat}()  # in row order',
            in_row_order(getattr(by["value"].rolling(3), stat)()))
    for stat in ["mean", "max"]:
        # (groupby(...).rolling(on="time") indexes its result by time, whose ties across sensors
        # have no row order: each sensor's rolling keeps the rows' own index instead)
        ref(f"events_by_sensor_5min_{stat}",
            f'pd.concat(s.rolling("5min", on="time")["value"].{stat}() '
            f'for _, s in events.groupby("sensor")).sort_index()',
            arr(pd.concat(getattr(s.rolling("5min", on="time")["value"], stat)()
                          for _, s in by).sort_index()))
    ref("events_by_sensor_ewm_span5",
        'events.groupby("sensor")["value"].transform(lambda s: s.ewm(span=5).mean())',
        arr(by["value"].transform(lambda s: s.ewm(span=5).mean())))


def acf_refs(df):
    walk = df["walk"].to_numpy()
    a, ci, q, p = stattools.acf(walk, nlags=20, alpha=0.05, qstat=True)
    ref("acf_walk20", "stattools.acf(df.walk, nlags=20, alpha=0.05, qstat=True)",
        {"acf": arr(a), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1]), "qstat": arr(q), "pvalues": arr(p)})
    v = df["value"].to_numpy(dtype=float)
    a, ci = stattools.acf(v, nlags=30, alpha=0.05, missing="drop")
    ref("acf_value30_drop", "stattools.acf(df.value, nlags=30, alpha=0.05, missing='drop')",
        {"acf": arr(a), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1])})
    a, ci = stattools.acf(df["ar2"].to_numpy(), alpha=0.01)
    ref("acf_ar2_default", "stattools.acf(df.ar2, alpha=0.01)  # default nlags",
        {"acf": arr(a), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1])})
    a, ci = stattools.pacf(df["ar2"].to_numpy(), nlags=20, alpha=0.05)
    ref("pacf_ar2_20", "stattools.pacf(df.ar2, nlags=20, alpha=0.05)  # method='ywadjusted' (0.13 default)",
        {"pacf": arr(a), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1])})
    a, ci = stattools.pacf(df["ar2"].to_numpy(), nlags=15, method="ywm", alpha=0.1)
    ref("pacf_ar2_ywm15", "stattools.pacf(df.ar2, nlags=15, method='ywm', alpha=0.1)",
        {"pacf": arr(a), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1])})
    a = stattools.pacf(df["walk"].to_numpy())
    ref("pacf_walk_default", "stattools.pacf(df.walk)  # default nlags, ywadjusted", {"pacf": arr(a)})


def labels(index, offset="Z"):
    return [t.strftime("%Y-%m-%dT%H:%M:%S") + offset for t in index]


def resample_refs(df, events):
    ev = events.assign(time=pd.to_datetime(events["time"]).dt.tz_localize(None))
    aggs = ["mean", "sum", "min", "max", "count", "first", "last", "std"]
    r = ev.resample("15min", on="time")["value"].agg(aggs)
    o = ev.resample("15min", on="time")["value"].ohlc()
    out = {"time": labels(r.index)}
    out.update({a: arr(r[a]) for a in aggs})
    out.update({k: arr(o[k]) for k in ["open", "high", "low", "close"]})
    ref("resample_15min", 'ev.resample("15min", on="time")["value"].agg([...]) and .ohlc()', out)
    g = ev.groupby("sensor").resample("1h", on="time")["value"].agg(["mean", "count", "sum"])
    ref("resample_group_1h", 'ev.groupby("sensor").resample("1h", on="time")["value"].agg(["mean", "count", "sum"])',
        {"group": [k[0] for k in g.index], "time": labels([k[1] for k in g.index]),
         "mean": arr(g["mean"]), "count": arr(g["count"]), "sum": arr(g["sum"])})
    tz = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    local = df.assign(time=pd.to_datetime(df["time"]).dt.tz_convert(tz))
    d = local.resample("1D", on="time")[["pos", "value"]].agg(["mean", "max"])
    ref("resample_1d_plus0530", 'df (time in +05:30).resample("1D", on="time")[["pos", "value"]].agg(["mean", "max"])',
        {"time": labels(d.index, "+05:30"), "pos_mean": arr(d[("pos", "mean")]), "pos_max": arr(d[("pos", "max")]),
         "value_mean": arr(d[("value", "mean")])})
    w = df.assign(time=pd.to_datetime(df["time"]).dt.tz_localize(None)).resample(
        "W-MON", on="time", closed="left", label="left")["walk"].agg(["mean", "last"])
    ref("resample_week", 'df.resample("W-MON", on="time", closed="left", label="left")["walk"].agg(["mean", "last"])',
        {"time": labels(w.index), "mean": arr(w["mean"]), "last": arr(w["last"])})


def stationarity_refs(df):
    cases = [("walk", "c"), ("ar2", "c"), ("pos", "ct"), ("value", "c")]
    for col, reg in cases:
        x = df[col].dropna().to_numpy()
        st, p, lag, nobs, crit, ic = stattools.adfuller(x, regression=reg, autolag="AIC")
        ref(f"adf_{col}_{reg}", f"stattools.adfuller(df.{col}.dropna(), regression='{reg}', autolag='AIC')",
            {"statistic": st, "pvalue": p, "used_lag": lag, "nobs": nobs, "ic_best": ic,
             "crit": [crit["1%"], crit["5%"], crit["10%"]]})
        st, p, lags, crit = stattools.kpss(x, regression=reg, nlags="auto")
        ref(f"kpss_{col}_{reg}", f"stattools.kpss(df.{col}.dropna(), regression='{reg}', nlags='auto')",
            {"statistic": st, "pvalue": p, "lags": lags})
    st, p, lags, crit = stattools.kpss(df["ar2"].to_numpy(), regression="c", nlags=5)
    ref("kpss_ar2_5", "stattools.kpss(df.ar2, regression='c', nlags=5)", {"statistic": st, "pvalue": p, "lags": lags})
    st, p, lag, nobs, crit, ic = stattools.adfuller(df["ar2"].to_numpy(), maxlag=4, regression="ct")
    ref("adf_ar2_ct_max4", "stattools.adfuller(df.ar2, maxlag=4, regression='ct')",
        {"statistic": st, "pvalue": p, "used_lag": lag, "nobs": nobs, "ic_best": ic, "crit": [crit["1%"], crit["5%"], crit["10%"]]})


def decompose_refs(df):
    for col, model, period in [("pos", "multiplicative", 24), ("pos", "additive", 24), ("walk", "additive", 13)]:
        d = seasonal_decompose(df[col].to_numpy(), model=model, period=period)
        ref(f"decompose_{col}_{model}_{period}",
            f"seasonal_decompose(df.{col}, model='{model}', period={period})",
            {"trend": arr(d.trend), "seasonal": arr(d.seasonal), "resid": arr(d.resid)})


def decompose_gap_refs(gaps):
    s = gaps["y"]
    d = seasonal_decompose(s.interpolate().to_numpy(), period=7)
    ref("decompose_gaps_7", "seasonal_decompose(gaps.y.interpolate(), period=7)  # ts_gaps.csv",
        {"trend": arr(d.trend), "seasonal": arr(d.seasonal), "resid": arr(d.resid)})
    # A noiseless weekly pattern with rows 60-62 missing (a tester's report: dropping them
    # shifted the phase and gave a seasonal strength of 0.09).
    week = [0, 5, 10, 5, 0, -5, -10]
    y = pd.Series([100.0 + week[i % 7] for i in range(140)])
    y[60:63] = np.nan
    d = seasonal_decompose(y.interpolate().to_numpy(), period=7)
    ref("decompose_weekly_gap_60_62",
        "y = 100 + [0,5,10,5,0,-5,-10][i % 7], i < 140; y[60:63] = nan; "
        "seasonal_decompose(y.interpolate(), period=7)",
        {"seasonal": arr(d.seasonal[:7]), "trend": arr(d.trend), "resid": arr(d.resid)})


def flagged(call, x, expected, score, threshold):
    """The anomalies as the plugin reports them: input row (index of the CSV row), value,
    expected value and score, where |score| > threshold."""
    keep = np.abs(score.to_numpy()) > threshold
    return {"call": call, "values": {
        "row": [int(i) for i in x.index[keep]], "value": arr(x[keep]),
        "expected": arr(expected[keep]), "score": arr(score[keep]),
        "scored": int(score.notna().sum())}}


def anomaly_refs(spikes):
    x = spikes["y"].dropna()  # index = the CSV row number
    for w, mp in [(30, 30), (20, 5)]:
        r = x.reset_index(drop=True).rolling(w, min_periods=mp)
        mean = pd.Series(r.mean().shift(1).to_numpy(), index=x.index)
        std = pd.Series(r.std().shift(1).to_numpy(), index=x.index)
        call = (f"x = spikes.y.dropna(); r = x.rolling({w}, min_periods={mp}); "
                f"z = (x - r.mean().shift(1)) / r.std().shift(1); |z| > 3")
        REF[f"anomalies_zscore_{w}_{mp}"] = flagged(call, x, mean, (x - mean) / std, 3.0)
    for w in [7, 8]:
        med = pd.Series(x.reset_index(drop=True).rolling(w, center=True, min_periods=1).median().to_numpy(),
                        index=x.index)
        resid = x - med
        scale = scipy_stats.median_abs_deviation(resid, scale="normal")
        call = (f"med = x.rolling({w}, center=True, min_periods=1).median(); r = x - med; "
                f"z = (r - r.median()) / scipy.stats.median_abs_deviation(r, scale='normal'); |z| > 3.5")
        REF[f"anomalies_median_{w}"] = flagged(call, x, med, (resid - resid.median()) / scale, 3.5)
    # The decomposition needs every step in place: missing values are interpolated (empty ends
    # left out), and the filled slots are neither scored nor part of the MAD.
    REF["anomalies_decompose_24"] = decompose_flagged(
        spikes["y"], 24, "s = spikes.y.interpolate(limit_area='inside').dropna()")


def decompose_flagged(y, period, how):
    """ts_anomalies' residual scores against a classical decomposition of the interpolated
    series `y` (NaN = missing), at the rows that had a value."""
    s = y.interpolate(limit_area="inside").dropna()
    d = seasonal_decompose(s.to_numpy(dtype=float), period=period)
    observed = y.reindex(s.index).notna().to_numpy()
    expected = pd.Series(d.trend + d.seasonal, index=s.index)[observed]
    resid = pd.Series(d.resid, index=s.index)[observed]
    scale = scipy_stats.median_abs_deviation(resid, scale="normal", nan_policy="omit")
    call = (f"{how}; d = seasonal_decompose(s, period={period}); r = d.resid at rows with a value; "
            "z = (r - nanmedian(r)) / scipy.stats.median_abs_deviation(r, scale='normal', "
            "nan_policy='omit'); |z| > 3.5")
    return flagged(call, s[observed], expected, (resid - resid.median()) / scale, 3.5)


HW_CASES = [  # (name, column, trend, seasonal, seasonal_periods, damped)
    ("hw_pos_add_mul24", "pos", "add", "mul", 24, False),
    ("hw_pos_addd_add24", "pos", "add", "add", 24, True),
    ("hw_walk_add", "walk", "add", None, None, False),
    ("hw_walk_ses", "walk", None, None, None, False),
    ("hw_pos_mul", "pos", "mul", None, None, False),
]
ARIMA_CASES = [("ar2", (2, 0, 0)), ("ar2", (1, 0, 1)), ("walk", (0, 1, 1)), ("walk", (2, 1, 0)),
               ("walk", (0, 2, 1))]


def forecast_refs(df):
    for name, col, trend, seasonal, m, damped in HW_CASES:
        call = (f"ExponentialSmoothing(df.{col}, trend={trend!r}, seasonal={seasonal!r}, "
                f"seasonal_periods={m}, damped_trend={damped}).fit()  # then .forecast(24)")
        r = ExponentialSmoothing(df[col].to_numpy(), trend=trend, seasonal=seasonal, seasonal_periods=m,
                                 damped_trend=damped).fit()
        keys = ["smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend"]
        ref(name, call, {**{k: arr([r.params[k]])[0] for k in keys}, "sse": r.sse, "aic": r.aic,
                         "forecast": arr(r.forecast(24))})
    # Interval half-widths of the additive-error ETS model, which ts_forecast uses for its
    # Holt-Winters intervals; statsmodels' ETSModel parameters are in error form (its
    # smoothing_trend is alpha * beta of the component form).
    hourly = pd.date_range("2023-01-01", periods=N, freq="H")
    for name, col, trend, seasonal, damped in [("ets_pos_AAdA", "pos", "add", "add", True),
                                                ("ets_walk_AAN", "walk", "add", None, False)]:
        call = (f"ETSModel(df.{col}, error='add', trend={trend!r}, seasonal={seasonal!r}, "
                f"damped_trend={damped}, seasonal_periods=24).fit().get_prediction(n, n + 29)"
                ".summary_frame(alpha=0.05): pi_upper - mean")
        r = ETSModel(pd.Series(df[col].to_numpy(), index=hourly), error="add", trend=trend,
                     seasonal=seasonal, damped_trend=damped,
                     seasonal_periods=24 if seasonal else None).fit(disp=False)
        sf = r.get_prediction(start=N, end=N + 29).summary_frame(alpha=0.05)
        p = dict(zip(r.model.param_names, r.params))
        ref(name, call, {"alpha": p["smoothing_level"], "beta": p["smoothing_trend"],
                         "gamma": p.get("smoothing_seasonal", 0.0), "phi": p.get("damping_trend", 1.0),
                         "mse": r.mse, "half_width": arr(sf["pi_upper"] - sf["mean"])})
    for col, order in ARIMA_CASES:
        call = f"ARIMA(df.{col}, order={order}).fit()  # then .get_forecast(12), conf_int(alpha=0.05)"
        r = ARIMA(df[col].to_numpy(), order=order).fit()
        f = r.get_forecast(12)
        ci = f.conf_int(alpha=0.05)
        names = list(r.model.param_names)
        ref(f"arima_{col}_{''.join(map(str, order))}", call,
            {"const": r.params[names.index("const")] if "const" in names else None,
             "ar": [r.params[names.index(f"ar.L{i}")] for i in range(1, order[0] + 1)],
             "ma": [r.params[names.index(f"ma.L{i}")] for i in range(1, order[2] + 1)],
             "sigma2": r.params[names.index("sigma2")], "llf": r.llf, "aic": r.aic,
             "mean": arr(f.predicted_mean), "lower": arr(ci[:, 0]), "upper": arr(ci[:, 1])})


def arima_long_refs(arma):
    # With the default 500 iterations statsmodels stops short (ConvergenceWarning, log L
    # -2816.60); with 2000 it converges.
    r = ARIMA(arma["y"].to_numpy(), order=(5, 1, 5)).fit(method_kwargs={"maxiter": 2000})
    f = r.get_forecast(12)
    ref("arima_arma_515", "ARIMA(arma.y, order=(5, 1, 5)).fit(method_kwargs={'maxiter': 2000})"
        "  # then .get_forecast(12)",
        {"llf": r.llf, "mean": arr(f.predicted_mean)})


def main():
    os.makedirs(FIX, exist_ok=True)
    generate()
    generate_spikes()
    generate_gaps()
    generate_arma()
    df = load("ts_fixture.csv")
    events = load("ts_events.csv")
    rolling_refs(df, events)
    acf_refs(df)
    resample_refs(df, events)
    stationarity_refs(df)
    decompose_refs(df)
    anomaly_refs(load("ts_spikes.csv"))
    gaps = load("ts_gaps.csv")
    decompose_gap_refs(gaps)
    REF["anomalies_gaps_decompose_7"] = decompose_flagged(gaps["y"], 7, "s = gaps.y.interpolate()")
    forecast_refs(df)
    arima_long_refs(load("ts_arma.csv"))
    REF["_versions"] = {"call": "versions", "values": {"numpy": np.__version__, "pandas": pd.__version__,
                                                      "statsmodels": statsmodels.__version__}}
    with open(os.path.join(FIX, "ts_reference.json"), "w") as f:
        json.dump(REF, f, indent=0, sort_keys=True)
        f.write("\n")
    print("wrote", len(REF), "references")


if __name__ == "__main__":
    main()
