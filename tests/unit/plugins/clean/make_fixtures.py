#!/usr/bin/python3
"""Regenerates the clean plugin's test fixture and the pandas reference results.

Run with Debian's interpreter (numpy 1.24, pandas 1.5):

    /usr/bin/python3 tests/unit/plugins/clean/make_fixtures.py

It writes, with a fixed seed:
  fixtures/clean_fixture.csv   the input (1,200 rows; duplicates, null runs, outliers)
  fixtures/expected.json       every reference value, each with the pandas call that made it

The CSV is read back with float_precision="round_trip" so pandas sees exactly the doubles the
plugin parses; empty fields are missing values.

Columns: id (int; repeated for duplicated rows), g (text label, nulls), a (float, runs of NaN
including leading and trailing ones), b (int, nulls), c (float with injected outliers, a few
nulls), flag (true/false), amount (numbers as text with a few bad values).
"""
import json
import os
import re

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "fixtures", "clean_fixture.csv")
EXPECTED = os.path.join(HERE, "fixtures", "expected.json")
N = 1100
SEED = 20240607


def generate():
    rng = np.random.default_rng(SEED)
    a = list(np.round(rng.normal(10, 3, N), 3))
    for start in list(rng.choice(np.arange(5, N - 10), 60, replace=False)):
        for k in range(int(rng.integers(1, 5))):
            a[start + k] = None
    a[0] = a[1] = a[2] = None            # leading run: ffill/interpolate leave it missing
    a[-1] = a[-2] = None                 # trailing run: bfill leaves it missing
    b = [int(v) for v in rng.integers(0, 40, N)]
    for i in rng.choice(N, 80, replace=False):
        b[i] = None
    c = list(np.round(rng.normal(0, 1, N), 4))
    for i in rng.choice(N, 12, replace=False):
        c[i] = float(np.round(rng.choice([-1, 1]) * rng.uniform(5, 9), 4))
    for i in rng.choice(N, 15, replace=False):
        c[i] = None
    g = list(rng.choice(["red", "green", "blue", "amber"], N, p=[0.4, 0.3, 0.2, 0.1]))
    for i in rng.choice(N, 40, replace=False):
        g[i] = None
    flag = ["true" if rng.random() < 0.4 else "false" for _ in range(N)]
    amount = [f"{v:.2f}" for v in rng.uniform(0, 500, N)]
    for i, bad in zip(rng.choice(N, 5, replace=False), ["n/a", "12;5", "?", "abc", "-"]):
        amount[i] = bad
    rows = [[i, g[i], a[i], b[i], c[i], flag[i], amount[i]] for i in range(N)]
    # Exact duplicates of earlier rows (same id), inserted after their originals.
    for _ in range(100):
        src = int(rng.integers(0, len(rows)))
        dst = int(rng.integers(src + 1, len(rows) + 1))
        rows.insert(dst, list(rows[src]))

    def cell(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        return str(v)

    with open(CSV, "w", newline="\n") as f:
        f.write("id,g,a,b,c,flag,amount\n")
        for r in rows:
            f.write(",".join(cell(v) for v in r) + "\n")


def floats(series):
    return [None if pd.isna(v) else float(v) for v in series]


def references():
    df = pd.read_csv(CSV, float_precision="round_trip", keep_default_na=False,
                     na_values=[""])
    out = {"rows": len(df)}

    # ---- clean_fill_missing -------------------------------------------------------------
    fill = {}
    fill["a_mean"] = {"call": "df.a.mean()", "value": float(df.a.mean())}
    fill["a_median"] = {"call": "df.a.median()", "value": float(df.a.median())}
    fill["b_mean"] = {"call": "df.b.mean()", "value": float(df.b.mean())}
    fill["b_median"] = {"call": "df.b.median()", "value": float(df.b.median())}
    fill["b_mode"] = {"call": "df.b.mode()[0]", "value": float(df.b.mode()[0])}
    fill["g_mode"] = {"call": "df.g.mode()[0]", "value": df.g.mode()[0]}
    fill["a_ffill"] = {"call": "df.a.ffill()", "values": floats(df.a.ffill())}
    fill["a_bfill"] = {"call": "df.a.bfill()", "values": floats(df.a.bfill())}
    fill["a_interpolate"] = {"call": "df.a.interpolate()", "values": floats(df.a.interpolate())}
    fill["b_interpolate"] = {"call": "df.b.interpolate()", "values": floats(df.b.interpolate())}
    fill["g_ffill"] = {"call": "df.g.ffill()",
                       "values": [None if pd.isna(v) else v for v in df.g.ffill()]}
    fill["g_bfill"] = {"call": "df.g.bfill()",
                       "values": [None if pd.isna(v) else v for v in df.g.bfill()]}
    dropped = df.dropna(subset=["a", "g"])
    fill["drop_any_a_g_then_a_bfill"] = {
        "call": "df.dropna(subset=['a','g']).a.bfill()", "values": floats(dropped.a.bfill())}
    fill["drop_all_a_c"] = {"call": "len(df.dropna(how='all', subset=['a','c']))",
                            "rows": len(df.dropna(how="all", subset=["a", "c"]))}
    fill["a_isna"] = {"call": "df.a.isna().sum()", "count": int(df.a.isna().sum())}
    out["fill"] = fill

    # ---- clean_dedup --------------------------------------------------------------------
    dedup = {}
    for keep in ["first", "last"]:
        kept = df.drop_duplicates(keep=keep)
        dedup[f"all_{keep}"] = {"call": f"df.drop_duplicates(keep='{keep}').index",
                                "rows": [int(i) for i in kept.index]}
        kept = df.drop_duplicates(subset=["g", "b"], keep=keep)
        dedup[f"g_b_{keep}"] = {"call": f"df.drop_duplicates(subset=['g','b'], keep='{keep}').index",
                                "rows": [int(i) for i in kept.index]}
    out["dedup"] = dedup

    # ---- clean_outliers -----------------------------------------------------------------
    c = df.c
    z = (c - c.mean()) / c.std()
    med = c.median()
    mad = (c - med).abs().median()
    mz = 0.6745 * (c - med) / mad
    q1, q3 = c.quantile(0.25), c.quantile(0.75)
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    out["outliers"] = {
        "mean": {"call": "df.c.mean()", "value": float(c.mean())},
        "std": {"call": "df.c.std()", "value": float(c.std())},
        "zscore_rows": {"call": "df.index[((df.c - df.c.mean()) / df.c.std()).abs() > 3]",
                        "rows": [int(i) for i in df.index[z.abs() > 3]]},
        "median": {"call": "df.c.median()", "value": float(med)},
        "mad": {"call": "(df.c - df.c.median()).abs().median()", "value": float(mad)},
        "modified_rows": {"call": "df.index[(0.6745 * (df.c - med) / mad).abs() > 3.5]",
                          "rows": [int(i) for i in df.index[mz.abs() > 3.5]]},
        "q1": {"call": "df.c.quantile(0.25)", "value": float(q1)},
        "q3": {"call": "df.c.quantile(0.75)", "value": float(q3)},
        "iqr_rows": {"call": "df.index[(df.c < q1 - 1.5 * iqr) | (df.c > q3 + 1.5 * iqr)]",
                     "rows": [int(i) for i in df.index[(c < lo) | (c > hi)]]},
        "clip_iqr": {"call": "df.c.clip(q1 - 1.5 * iqr, q3 + 1.5 * iqr)",
                     "values": floats(c.clip(lo, hi))},
    }

    # ---- clean_profile ------------------------------------------------------------------
    profile = {}
    for name in df.columns:
        s = df[name]
        entry = {"null_count": {"call": f"df.{name}.isna().sum()", "value": int(s.isna().sum())},
                 "distinct": {"call": f"df.{name}.nunique()", "value": int(s.nunique())},
                 "memory": {"call": f"df.{name}.memory_usage(deep=True, index=False)",
                            "value": int(s.memory_usage(deep=True, index=False))}}
        if s.dtype.kind in "if":
            entry["min"] = {"call": f"df.{name}.min()", "value": float(s.min())}
            entry["max"] = {"call": f"df.{name}.max()", "value": float(s.max())}
        profile[name] = entry
    amount = pd.to_numeric(df.amount, errors="coerce")
    profile["amount"]["coercible"] = {"call": "pd.to_numeric(df.amount, errors='coerce').notna().sum()",
                                      "value": int(amount.notna().sum())}
    profile["amount"]["min"] = {"call": "pd.to_numeric(df.amount, errors='coerce').min()",
                                "value": float(amount.min())}
    profile["amount"]["max"] = {"call": "pd.to_numeric(df.amount, errors='coerce').max()",
                                "value": float(amount.max())}
    b8 = df.b.astype("Int8")
    profile["b"]["downcast"] = {"call": "df.b.astype('Int8').memory_usage(deep=True, index=False)",
                                "value": int(b8.memory_usage(deep=True, index=False))}
    gcat = df.g.astype("category")
    profile["g"]["category"] = {"call": "df.g.astype('category').memory_usage(deep=True, index=False)",
                                "value": int(gcat.memory_usage(deep=True, index=False))}
    out["profile"] = profile

    # ---- clean_validate -----------------------------------------------------------------
    def rows(mask):
        return [int(i) for i in df.index[mask]]
    amount_text = df.amount.astype(str)
    checks = {
        "a.not_null": ("df.a.isna()", df.a.isna()),
        "id.unique": ("df.id.duplicated(keep='first')", df.id.duplicated(keep="first")),
        "c.range": ("df.c.notna() & ((df.c < -3) | (df.c > 3))", df.c.notna() & ((df.c < -3) | (df.c > 3))),
        "g.allowed": ("df.g.notna() & ~df.g.isin(['red','green','blue'])",
                      df.g.notna() & ~df.g.isin(["red", "green", "blue"])),
        "amount.regex": ("~df.amount.str.fullmatch(r'[0-9]+\\.[0-9]{2}')",
                         ~amount_text.str.fullmatch(r"[0-9]+\.[0-9]{2}")),
        "amount.type": ("pd.to_numeric(df.amount, errors='coerce').isna()",
                        pd.to_numeric(df.amount, errors="coerce").isna()),
    }
    out["validate"] = {name: {"call": call, "count": int(mask.sum()), "rows": rows(mask)}
                       for name, (call, mask) in checks.items()}
    out["normalize"] = normalize_references()
    return out


def normalize_references():
    """Python/pandas results for the text samples the normalize test feeds in."""
    import unicodedata
    texts = ["  Hello   World ", "\tcaf\u0065\u0301\n", "STRASSE Stra\u00dfe", "\u00a0x\u00a0 y ",
             "\uff21\uff22\uff23 \u2460", "MiXeD CaSe", ""]
    dates = {"%d/%m/%Y": ["31/01/2024", "1/2/2023", "29/02/2023", "x", "15/13/2020"],
             "%Y-%m-%d %H:%M:%S": ["2024-01-31 23:59:58", "2024-1-2 3:04:05", "2024-01-31 24:00:00"],
             "%d %b %Y": ["05 Mar 2021", "5 mar 2021", "05 March 2021"],
             "%m/%d/%Y %I:%M %p": ["12/31/2024 11:30 PM", "01/01/2024 12:00 AM", "1/1/2024 13:00 PM"],
             "%Y-%m-%dT%H:%M:%S%z": ["2024-03-02T11:30:00Z", "2024-03-02T11:30:00+02:00",
                                     "2024-03-01T01:15:00-0530", "2024-03-02T11:30:00+05",
                                     "2024-12-31T23:30:00-01:00", "x", "2024-03-02T11:30:00+2400",
                                     "2024-03-02T11:30:00+0560"]}
    out = {
        "strip": {"call": "s.strip(' \\t\\n\\r\\x0b\\x0c\\xa0')",
                  "values": [t.strip(" \t\n\r\x0b\x0c\xa0") for t in texts]},
        "collapse_strip": {"call": "' '.join(s.split())", "values": [" ".join(t.split()) for t in texts]},
        "lower": {"call": "s.lower()", "values": [t.lower() for t in texts]},
        "upper": {"call": "s.upper()", "values": [t.upper() for t in texts]},
        "casefold": {"call": "s.casefold()", "values": [t.casefold() for t in texts]},
        "nfc": {"call": "unicodedata.normalize('NFC', s)", "values": [unicodedata.normalize("NFC", t) for t in texts]},
        "nfkc": {"call": "unicodedata.normalize('NFKC', s)", "values": [unicodedata.normalize("NFKC", t) for t in texts]},
        "texts": texts,
        "dates": {},
    }
    for fmt, values in dates.items():
        # With a UTC offset (%z) the instants are compared in UTC, marked Z.
        utc = "%z" in fmt
        parsed = pd.to_datetime(pd.Series(values), format=fmt, errors="coerce", utc=utc)
        iso = [None if pd.isna(v) else (v.strftime("%Y-%m-%d") if "%H" not in fmt and "%I" not in fmt
                                        else v.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if utc else ""))
               for v in parsed]
        call = f"pd.to_datetime(values, format='{fmt}', errors='coerce'" + (", utc=True)" if utc else ")")
        out["dates"][fmt] = {"call": call, "values": values, "iso": iso}
    numbers = ["$1,234.50", "(12)", "-3", "1e3", "\u20ac 7", "12,34,5", "abc", "1,234", "+4.5"]
    out["numbers"] = {"call": "float(s.replace('$','').replace('\u20ac','').replace(',','').strip()) "
                              "with (x) as -x, when every ',' sits between groups of three digits "
                              "of the whole part; None otherwise",
                      "values": numbers, "parsed": [human_number(v) for v in numbers]}
    return out


def human_number(text):
    t = text.strip()
    neg = t.startswith("(") and t.endswith(")")
    if neg:
        t = t[1:-1]
    t = t.replace("$", "").replace("\u20ac", "").strip()
    # Thousands separators only between groups of three digits of the whole part, as pandas'
    # read_csv(thousands=",") reads them ("12,34,5" stays text).
    if "," in t and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?", t):
        return None
    t = t.replace(",", "")
    try:
        v = float(t)
    except ValueError:
        return None
    return -v if neg else v


if __name__ == "__main__":
    generate()
    with open(EXPECTED, "w") as f:
        json.dump(references(), f, indent=1)
    print(f"wrote {CSV} and {EXPECTED}")
