#!/usr/bin/python3
"""Regenerates the stats plugin's test fixture and prints the reference values the tests use.

Run with Debian's interpreter (numpy 1.24, pandas 1.5, SciPy 1.10, mpmath 1.2):

    /usr/bin/python3 tests/unit/plugins/stats/make_fixtures.py

It writes fixtures/stats_fixture.csv (fixed seed, so the file is reproducible) and prints
every reference value as a C++ initializer line with the exact call that produced it; the
*_test.cpp files paste those lines. The CSV is read back with float_precision="round_trip"
so pandas sees exactly the doubles the plugin parses.

Columns: id (int), normal (float, NaNs), skewed (lognormal, NaNs), ties (small ints, many
ties, nulls), huge (1e15 + exponential * 1e4: stability), constant (int 7), category (text,
nulls), group2 (A/B), flag (true/false), before/after (paired, nulls), withinf (floats with
+inf, -inf, "nan" and nulls), text_num (numbers as text plus a few non-numbers).
"""
import json
import math
import os
import sys
import warnings
from fractions import Fraction

import mpmath as mp
import numpy as np
import pandas as pd
import scipy
from scipy import special, stats
from scipy.stats import contingency

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "fixtures", "stats_fixture.csv")
N = 2000
SEED = 20240531


def generate():
    rng = np.random.default_rng(SEED)

    def holes(values, fraction):
        out = list(values)
        for i in rng.choice(N, int(N * fraction), replace=False):
            out[i] = None
        return out

    normal = holes(np.round(rng.normal(50, 10, N), 4), 0.05)
    skewed = holes(np.round(rng.lognormal(3, 1, N), 4), 0.03)
    ties = holes(rng.binomial(9, 0.3, N), 0.02)
    huge = [1e15 + round(v * 8) / 8 for v in rng.exponential(1e4, N)]
    category = holes(rng.choice(["alpha", "beta", "gamma", "delta"], N, p=[0.4, 0.3, 0.2, 0.1]), 0.02)
    group2 = rng.choice(["A", "B"], N, p=[0.55, 0.45])
    p_true = {"alpha": 0.3, "beta": 0.4, "gamma": 0.5, "delta": 0.6, None: 0.45}
    flag = ["true" if rng.random() < p_true[c] else "false" for c in category]
    before = np.round(rng.normal(100, 15, N), 3)
    after = holes(np.round(before + rng.normal(2, 5, N), 3), 0.02)
    before = holes(before, 0.02)
    withinf = [repr(float(v)) for v in np.round(rng.normal(0, 1, N), 5)]
    spots = rng.choice(N, 29, replace=False)
    for i in spots[:6]:
        withinf[i] = "inf"
    for i in spots[6:9]:
        withinf[i] = "-inf"
    for i in spots[9:19]:
        withinf[i] = "nan"
    for i in spots[19:]:
        withinf[i] = ""
    text_num = [str(v) for v in rng.integers(0, 100, N)]
    for i, bad in zip(rng.choice(N, 7, replace=False), ["abc", "?", "twelve", "n/a?", "1;5", "x", "--"]):
        text_num[i] = bad

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        return str(v)

    header = ["id", "normal", "skewed", "ties", "huge", "constant", "category", "group2", "flag",
              "before", "after", "withinf", "text_num"]
    with open(CSV, "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for i in range(N):
            row = [str(i + 1), cell(normal[i]), cell(skewed[i]), cell(ties[i]), cell(huge[i]), "7",
                   cell(category[i]), group2[i], flag[i], cell(before[i]), cell(after[i]),
                   withinf[i], text_num[i]]
            f.write(",".join(row) + "\n")


def line(test, key, value, source):
    """One C++ initializer: {"test", "key", value},  // source"""
    if isinstance(value, (bool, np.bool_)):
        text = "true" if value else "false"
    elif isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        text = "kNull"
    else:
        text = repr(float(value))
    print(f'    {{"{test}", "{key}", {text}}},  // {source}')


def section(title):
    print(f"\n// ---- {title} ----")


def exact_moments(values):
    """Mean, std, skew (G1), kurt (G2) in exact rational arithmetic (sqrt at the end)."""
    xs = [Fraction(v) for v in values]
    n = len(xs)
    mean = sum(xs) / n
    m2 = sum((x - mean) ** 2 for x in xs)
    m3 = sum((x - mean) ** 3 for x in xs)
    m4 = sum((x - mean) ** 4 for x in xs)
    std = math.sqrt(m2 / (n - 1))
    skew = float(Fraction(n) * m3 / (Fraction(n - 2) * m2)) * math.sqrt(n - 1) / math.sqrt(float(m2))
    kurt = float(Fraction(n * (n + 1) * (n - 1)) * m4 / (Fraction((n - 2) * (n - 3)) * m2 * m2)
                 - Fraction(3 * (n - 1) ** 2, (n - 2) * (n - 3)))
    return float(mean), std, skew, kurt


def describe(df):
    section("describe (pandas %s)" % pd.__version__)
    qs = [0.05, 0.25, 0.5, 0.75, 0.95, 0.999]
    for col in ["normal", "skewed", "ties", "constant", "before"]:
        s = df[col]
        line(col, "count", s.count(), f'pandas: df["{col}"].count()')
        line(col, "mean", s.mean(), f'pandas: df["{col}"].mean()')
        line(col, "std", s.std(), f'pandas: df["{col}"].std()')
        line(col, "min", s.min(), f'pandas: df["{col}"].min()')
        line(col, "max", s.max(), f'pandas: df["{col}"].max()')
        for q in qs:
            line(col, f"q{q}", s.quantile(q), f'pandas: df["{col}"].quantile({q})')
        line(col, "skew", s.skew(), f'pandas: df["{col}"].skew()')
        line(col, "kurt", s.kurt(), f'pandas: df["{col}"].kurt()')
    s = df["withinf"].replace([np.inf, -np.inf], np.nan)
    src = 'df["withinf"].replace([np.inf, -np.inf], np.nan)'
    line("withinf", "count", s.count(), f"pandas: {src}.count()")
    line("withinf", "nulls", df["withinf"].isna().sum(), 'pandas: df["withinf"].isna().sum()')
    line("withinf", "posinf", (df["withinf"] == np.inf).sum(), 'pandas: (df["withinf"] == np.inf).sum()')
    line("withinf", "neginf", (df["withinf"] == -np.inf).sum(), 'pandas: (df["withinf"] == -np.inf).sum()')
    for stat in ["mean", "std", "min", "max", "skew", "kurt"]:
        line("withinf", stat, getattr(s, stat)(), f"pandas: {src}.{stat}()")
    line("withinf", "q0.5", s.quantile(0.5), f"pandas: {src}.quantile(0.5)")
    # huge: pandas' own skew/kurt lose digits to its unshifted mean, so the reference is exact.
    mean, std, skew, kurt = exact_moments(df["huge"].tolist())
    src = 'exact rational arithmetic (fractions.Fraction) over df["huge"]'
    line("huge", "mean", mean, src)
    line("huge", "std", std, src)
    line("huge", "skew", skew, src + f'; pandas df["huge"].skew() = {df["huge"].skew()!r}')
    line("huge", "kurt", kurt, src + f'; pandas df["huge"].kurt() = {df["huge"].kurt()!r}')
    line("huge", "min", df["huge"].min(), 'pandas: df["huge"].min()')
    line("huge", "q0.25", df["huge"].quantile(0.25), 'pandas: df["huge"].quantile(0.25)')
    line("huge", "q0.5", df["huge"].quantile(0.5), 'pandas: df["huge"].quantile(0.5)')
    assert abs(std - df["huge"].std()) <= 1e-9 * std, "pandas std of huge is off"
    vc = df["category"].value_counts()
    for label, count in vc.items():
        line("category", label, count, f'pandas: df["category"].value_counts()["{label}"]')
    line("category", "nunique", df["category"].nunique(), 'pandas: df["category"].nunique()')
    line("category", "nulls", df["category"].isna().sum(), 'pandas: df["category"].isna().sum()')
    line("flag", "true", int(df["flag"].sum()), 'pandas: df["flag"].sum()')


def correlation(df):
    cols = ["normal", "skewed", "ties", "before", "after", "constant"]
    section("correlation: columns " + ", ".join(cols))
    sub = df[cols]
    for method in ["pearson", "spearman"]:
        m = sub.corr(method=method)
        for a in cols:
            for b in cols:
                line(method, f"{a}|{b}", m.loc[a, b], f'pandas: df[cols].corr(method="{method}").loc["{a}", "{b}"]')
    # Kendall's tau-b: pandas calls scipy.stats.kendalltau on each pair's complete rows. pandas
    # puts 1.0 on the whole diagonal (kendalltau(x, x) can be 1 - 2e-16), even for a constant
    # column, where kendalltau is nan (as the plugin reports: null with a reason).
    m = sub.corr(method="kendall")
    for a in cols:
        for b in cols:
            both = sub[[a, b]].dropna()
            tau = stats.kendalltau(both[a], both[b]).statistic
            if a != b:
                # pandas computes each pair once (first column as x) and mirrors it; kendalltau
                # with x and y swapped may differ in the last bit.
                assert math.isclose(tau, m.loc[a, b], rel_tol=1e-15) or (
                    math.isnan(tau) and math.isnan(m.loc[a, b])), (a, b)
                tau = m.loc[a, b]
                src = f'pandas: df[cols].corr(method="kendall").loc["{a}", "{b}"]'
            else:
                src = f'pandas: df[cols].corr(method="kendall").loc["{a}", "{a}"]'
                if math.isnan(tau):
                    src = (f'scipy: stats.kendalltau(df["{a}"].dropna(), df["{a}"].dropna())'
                           f'.statistic (pandas puts {m.loc[a, b]!r} on the diagonal)')
                else:
                    tau = m.loc[a, b]
            line("kendall", f"{a}|{b}", tau, src)
    c = sub.cov()
    for a in cols:
        for b in cols:
            line("cov", f"{a}|{b}", c.loc[a, b], f'pandas: df[cols].cov().loc["{a}", "{b}"]')
    n = sub.notna().astype(int)
    for a in cols:
        for b in cols:
            line("n", f"{a}|{b}", int((n[a] * n[b]).sum()), f'pandas: (df["{a}"].notna() & df["{b}"].notna()).sum()')


def groupby(df):
    section("groupby")
    aggs = ["count", "sum", "mean", "std", "min", "max", "median"]
    g = df.groupby("category")["normal"].agg(aggs)
    for key, row in g.iterrows():
        for a in aggs:
            line(f"category={key}", f"normal.{a}", int(row[a]) if a == "count" else row[a], f'pandas: df.groupby("category")["normal"].agg({a!r})["{key}"]')
    sizes = df.groupby("category").size()
    for key, v in sizes.items():
        line(f"category={key}", "rows", v, f'pandas: df.groupby("category").size()["{key}"]')
    g = df.groupby(["category", "group2"])["skewed"].agg(["count", "mean", "std", "median"])
    for (k1, k2), row in g.iterrows():
        for a in ["count", "mean", "std", "median"]:
            line(f"category={k1},group2={k2}", f"skewed.{a}", int(row[a]) if a == "count" else row[a],
                 f'pandas: df.groupby(["category", "group2"])["skewed"].agg({a!r})[("{k1}", "{k2}")]')
    # huge per group: exact rational arithmetic (pandas' groupby std keeps an unshifted mean).
    for key, g in df.groupby("ties")["huge"]:
        mean, std, _, _ = exact_moments(g.tolist())
        src = f'exact (fractions.Fraction) over df.groupby("ties")["huge"] group {int(key)}'
        line(f"ties={int(key)}", "huge.count", len(g), f'pandas: df.groupby("ties")["huge"].count()[{int(key)}]')
        line(f"ties={int(key)}", "huge.mean", mean, src)
        line(f"ties={int(key)}", "huge.std", std, src + f"; pandas .std() = {g.std()!r}")
    g = df.groupby("group2")["ties"].sum()
    for key, v in g.items():
        line(f"group2={key}", "ties.sum", v, f'pandas: df.groupby("group2")["ties"].sum()["{key}"]')


def text_line(test, key, value, source):
    """One C++ initializer for a text reference: {"test", "key", "value"},  // source"""
    print(f'    {{"{test}", "{key}", {json.dumps(value)}}},  // {source}')


def groupby_distinct_and_ends(df):
    section("groupby: nunique, first, last")
    for col in ["normal", "ties"]:
        for a in ["count", "nunique", "first", "last"]:
            for key, v in df.groupby("category")[col].agg(a).items():
                line(f"category={key}", f"{col}.{a}", int(v) if a in ("count", "nunique") else v,
                     f'pandas: df.groupby("category")["{col}"].{a}()["{key}"]')
    for key, v in df.groupby("category")["flag"].nunique().items():
        line(f"category={key}", "flag.nunique", int(v), f'pandas: df.groupby("category")["flag"].nunique()["{key}"]')
    for (k1, k2), v in df.groupby(["category", "group2"])["ties"].nunique().items():
        line(f"category={k1},group2={k2}", "ties.nunique", int(v),
             f'pandas: df.groupby(["category", "group2"])["ties"].nunique()[("{k1}", "{k2}")]')
    section("groupby: text value columns (category, text_num are object columns in pandas)")
    for col in ["category", "text_num"]:
        for a in ["count", "nunique"]:
            for key, v in df.groupby("group2")[col].agg(a).items():
                line(f"group2={key}", f"{col}.{a}", int(v), f'pandas: df.groupby("group2")["{col}"].{a}()["{key}"]')
    print("// text references (kTextRefs)")
    for col in ["category", "text_num"]:
        for a in ["first", "last"]:
            for key, v in df.groupby("group2")[col].agg(a).items():
                text_line(f"group2={key}", f"{col}.{a}", str(v), f'pandas: df.groupby("group2")["{col}"].{a}()["{key}"]')


def histogram(df):
    section("histogram (numpy %s)" % np.__version__)
    x = df["normal"].dropna().to_numpy()
    for bins in ["auto", "fd", "sturges", 10]:
        counts, edges = np.histogram(x, bins=bins)
        name = f"normal/{bins}"
        src = f'numpy: np.histogram(df["normal"].dropna(), bins={bins!r})'
        line(name, "bins", len(counts), src)
        line(name, "edge0", edges[0], src + "[1][0]")
        line(name, "edge1", edges[1], src + "[1][1]")
        line(name, "edgelast", edges[-1], src + "[1][-1]")
        print(f"    // {name} counts: {{{', '.join(str(int(c)) for c in counts)}}}")
    counts, edges = np.histogram(x, bins=20, range=(30, 70))
    src = 'numpy: np.histogram(df["normal"].dropna(), bins=20, range=(30, 70))'
    print(f"    // normal/20 in [30, 70] counts: {{{', '.join(str(int(c)) for c in counts)}}}  // {src}")
    line("normal/range", "below", int((x < 30).sum()), "numpy: (x < 30).sum()")
    line("normal/range", "above", int((x > 70).sum()), "numpy: (x > 70).sum()")
    t = df["ties"].dropna().astype(np.int64).to_numpy()
    counts, edges = np.histogram(t, bins="auto")
    src = 'numpy: np.histogram(df["ties"].dropna().astype(np.int64), bins="auto")'
    line("ties/auto", "bins", len(counts), src)
    line("ties/auto", "edge1", edges[1], src + "[1][1]")
    print(f"    // ties/auto counts: {{{', '.join(str(int(c)) for c in counts)}}}")
    counts, edges = np.histogram(df["constant"].to_numpy(), bins="auto")
    src = 'numpy: np.histogram(df["constant"], bins="auto")'
    line("constant/auto", "bins", len(counts), src)
    line("constant/auto", "edge0", edges[0], src + "[1][0]")
    line("constant/auto", "edgelast", edges[-1], src + "[1][-1]")


def tests(df):
    section("hypothesis tests (scipy %s)" % scipy.__version__)
    x = df["normal"].dropna()
    r = stats.ttest_1samp(x, 50)
    line("one_sample", "t", r.statistic, 'scipy: stats.ttest_1samp(df["normal"].dropna(), 50)')
    line("one_sample", "p", r.pvalue, "same call, .pvalue")
    line("one_sample", "d", (x.mean() - 50) / x.std(), '(x.mean() - 50) / x.std()  (Cohen\'s d, ddof=1)')
    r = stats.ttest_1samp(x, 50.5, alternative="greater")
    line("one_sample_greater", "t", r.statistic, 'scipy: stats.ttest_1samp(x, 50.5, alternative="greater")')
    line("one_sample_greater", "p", r.pvalue, "same call, .pvalue")
    a = df.loc[df["group2"] == "A", "normal"].dropna()
    b = df.loc[df["group2"] == "B", "normal"].dropna()
    for equal_var, name in [(False, "welch"), (True, "student")]:
        r = stats.ttest_ind(a, b, equal_var=equal_var)
        src = f'scipy: stats.ttest_ind(A, B, equal_var={equal_var}), A/B = df.normal where group2 == "A"/"B", dropna'
        line(name, "t", r.statistic, src)
        line(name, "p", r.pvalue, "same call, .pvalue")
    va, vb, na, nb = a.var(), b.var(), len(a), len(b)
    line("welch", "df", (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1)),
         "Welch–Satterthwaite: (va/na + vb/nb)**2 / ((va/na)**2/(na-1) + (vb/nb)**2/(nb-1))")
    pooled = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    line("welch", "d", (a.mean() - b.mean()) / pooled, "(A.mean() - B.mean()) / pooled sd (ddof=1)")
    pairs = df[["before", "after"]].dropna()
    r = stats.ttest_rel(pairs["before"], pairs["after"])
    line("paired", "t", r.statistic, 'scipy: stats.ttest_rel(p["before"], p["after"]), p = df[["before", "after"]].dropna()')
    line("paired", "p", r.pvalue, "same call, .pvalue")
    line("paired", "n", len(pairs), "len(p)")
    diff = pairs["before"] - pairs["after"]
    line("paired", "d", diff.mean() / diff.std(), "d.mean() / d.std(), d = p.before - p.after (Cohen's d_z)")
    r = stats.ttest_ind(df["before"].dropna(), df["after"].dropna(), equal_var=False)
    line("welch_columns", "t", r.statistic, 'scipy: stats.ttest_ind(df["before"].dropna(), df["after"].dropna(), equal_var=False)')
    line("welch_columns", "p", r.pvalue, "same call, .pvalue")

    table = pd.crosstab(df["category"], df["flag"])
    chi2, p, dof, expected = stats.chi2_contingency(table)
    src = 'scipy: stats.chi2_contingency(pd.crosstab(df["category"], df["flag"]))'
    line("chi2", "statistic", chi2, src)
    line("chi2", "p", p, src)
    line("chi2", "dof", dof, src)
    line("chi2", "v", contingency.association(table, method="cramer"),
         'scipy: stats.contingency.association(pd.crosstab(df["category"], df["flag"]), method="cramer")')
    print("    // observed (rows alpha, beta, delta, gamma; columns False, True):", table.values.tolist())
    table = pd.crosstab(df["group2"], df["flag"])
    for correction in [True, False]:
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=correction)
        src = f'scipy: stats.chi2_contingency(pd.crosstab(df["group2"], df["flag"]), correction={correction})'
        line(f"chi2_2x2_{correction}", "statistic", chi2, src)
        line(f"chi2_2x2_{correction}", "p", p, src)
    line("chi2_2x2", "v", contingency.association(table, method="cramer"),
         'scipy: stats.contingency.association(pd.crosstab(df["group2"], df["flag"]), method="cramer")')

    r = stats.fisher_exact(table)
    src = 'scipy: stats.fisher_exact(pd.crosstab(df["group2"], df["flag"]))'
    line("fisher_2x2", "odds", r.statistic, src)
    line("fisher_2x2", "p", r.pvalue, src)
    # Hand-made tables [[a, b], [c, d]]: small counts, zeros, an exactly symmetric table (both
    # tails tie), the most likely table (p = 1) and large counts (p far below 1e-40).
    for t in [(8, 2, 1, 5), (2, 8, 8, 2), (0, 5, 5, 0), (5, 0, 0, 5), (3, 3, 3, 3), (20, 13, 7, 29),
              (1000, 2000, 1500, 1400), (12000, 30000, 31000, 70000)]:
        r = stats.fisher_exact([[t[0], t[1]], [t[2], t[3]]])
        name = "fisher/" + ",".join(str(v) for v in t)
        src = f"scipy: stats.fisher_exact([[{t[0]}, {t[1]}], [{t[2]}, {t[3]}]])"
        line(name, "odds", r.statistic if math.isfinite(r.statistic) else None, src + f" (odds {r.statistic!r})")
        line(name, "p", r.pvalue, src)

    groups = [g["normal"].dropna() for _, g in df.groupby("category")]
    r = stats.f_oneway(*groups)
    src = 'scipy: stats.f_oneway(*[g["normal"].dropna() for _, g in df.groupby("category")])'
    line("anova", "F", r.statistic, src)
    line("anova", "p", r.pvalue, src)
    allv = pd.concat(groups)
    sst = ((allv - allv.mean()) ** 2).sum()
    ssb = sum(len(g) * (g.mean() - allv.mean()) ** 2 for g in groups)
    line("anova", "eta2", ssb / sst, "SSB / SST over the same groups (numpy sums)")
    r = stats.f_oneway(*[g["huge"] for _, g in df.groupby("group2")])
    line("anova_huge", "F", r.statistic, 'scipy: stats.f_oneway(*[g["huge"] for _, g in df.groupby("group2")])')
    line("anova_huge", "p", r.pvalue, "same call, .pvalue")

    for col in ["normal", "skewed"]:
        x = df[col].dropna()
        r = stats.jarque_bera(x)
        line(f"normality/{col}", "jb", r.statistic, f'scipy: stats.jarque_bera(df["{col}"].dropna())')
        line(f"normality/{col}", "jb_p", r.pvalue, "same call, .pvalue")
        r = stats.normaltest(x)
        line(f"normality/{col}", "k2", r.statistic, f'scipy: stats.normaltest(df["{col}"].dropna())')
        line(f"normality/{col}", "k2_p", r.pvalue, "same call, .pvalue")
        line(f"normality/{col}", "z_skew", stats.skewtest(x).statistic, f'scipy: stats.skewtest(df["{col}"].dropna())')
        line(f"normality/{col}", "z_kurt", stats.kurtosistest(x).statistic, f'scipy: stats.kurtosistest(df["{col}"].dropna())')
        line(f"normality/{col}", "g1", stats.skew(x), f'scipy: stats.skew(df["{col}"].dropna())')
        line(f"normality/{col}", "g2", stats.kurtosis(x), f'scipy: stats.kurtosis(df["{col}"].dropna())')


# SciPy 1.10's shapiro runs AS R94 in single precision (its Fortran takes float32 arrays), so its
# W is good to ~1e-6 and its p-value to ~1e-3 (it underflows to 0 below ~1e-45). The 1e-9
# references are the same published formulas evaluated in 40-digit arithmetic; SciPy's values are
# printed beside them and the tests check those too, to SciPy's precision.
def shapiro_reference(values):
    """W and p of AS R94 / Royston (1992, 1995) evaluated in 40-digit arithmetic (mpmath)."""
    mp.mp.dps = 40
    x = sorted(mp.mpf(float(v)) for v in values)
    n = len(x)
    half = n // 2
    if n == 3:
        a = [mp.sqrt(mp.mpf(1) / 2)]
    else:
        m = [-mp.sqrt(2) * mp.erfinv(2 * ((i + 1 - mp.mpf(3) / 8) / (n + mp.mpf(1) / 4)) - 1) for i in range(half)]
        mm = 2 * sum(v * v for v in m)
        u = 1 / mp.sqrt(n)
        poly = lambda c, t: sum(ci * t ** k for k, ci in enumerate(c))
        c1 = [0, mp.mpf("0.221157"), mp.mpf("-0.147981"), mp.mpf("-2.07119"), mp.mpf("4.434685"), mp.mpf("-2.706056")]
        c2 = [0, mp.mpf("0.042981"), mp.mpf("-0.293762"), mp.mpf("-1.752461"), mp.mpf("5.682633"), mp.mpf("-3.582633")]
        a1 = m[0] / mp.sqrt(mm) + poly(c1, u)
        if n > 5:
            a2 = m[1] / mp.sqrt(mm) + poly(c2, u)
            phi = (mm - 2 * m[0] ** 2 - 2 * m[1] ** 2) / (1 - 2 * a1 ** 2 - 2 * a2 ** 2)
            a = [a1, a2] + [v / mp.sqrt(phi) for v in m[2:]]
        else:
            phi = (mm - 2 * m[0] ** 2) / (1 - 2 * a1 ** 2)
            a = [a1] + [v / mp.sqrt(phi) for v in m[1:]]
    mean = sum(x) / n
    ssx = sum((v - mean) ** 2 for v in x)
    ssa = 2 * sum(v * v for v in a)
    sax = sum(a[i] * (x[n - 1 - i] - x[i]) for i in range(half))
    w = sax ** 2 / (ssa * ssx)
    if n == 3:
        p = 6 / mp.pi * (mp.asin(mp.sqrt(w)) - mp.pi / 3)
        return float(w), float(max(0, min(1, p)))
    y = mp.log(1 - w)
    poly = lambda c, t: sum(mp.mpf(ci) * t ** k for k, ci in enumerate(c))
    if n <= 11:
        gamma = poly(["-2.273", "0.459"], n)
        y = -mp.log(gamma - y)
        mean_, sd = poly(["0.544", "-0.39978", "0.025054", "-6.714e-4"], n), mp.exp(poly(["1.3822", "-0.77857", "0.062767", "-0.0020322"], n))
    else:
        ln = mp.log(n)
        mean_, sd = poly(["-1.5861", "-0.31082", "-0.083751", "0.0038915"], ln), mp.exp(poly(["-0.4803", "-0.082676", "0.0030302"], ln))
    p = mp.ncdf(-(y - mean_) / sd)
    return float(w), float(p)



def shapiro_samples():
    """The hand-made Shapiro–Wilk samples (the tests build the same ones)."""
    return {
        "n3": [1.5, 2.25, 7.0],
        "n3_even": [1.0, 2.0, 3.0],
        "n4": [3.1, 1.2, 5.7, 2.2],
        "n5": [3.1, 1.2, 5.7, 2.2, 9.9],
        "n7_ties": [2.5, 3.5, 1.25, 8.0, 4.5, 4.5, 6.0],
        "n11": [float(i * i % 11) for i in range(11)],
        "n12": [float(i * i % 13) + i / 4 for i in range(12)],
        "n6000": [((i * 7919) % 10007) / 7.0 + ((i * 31) % 17) for i in range(6000)],
    }


def shapiro(df):
    section("normality: Shapiro–Wilk (AS R94 in mpmath %s; scipy %s for comparison)" % (mp.__version__, scipy.__version__))
    samples = {col: df[col].dropna().tolist() for col in ["normal", "skewed", "ties", "huge"]}
    samples.update(shapiro_samples())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n > 5000: "p-value may not be accurate"
        for name, values in samples.items():
            w, p = shapiro_reference(values)
            r = stats.shapiro(values)
            what = f'df["{name}"].dropna()' if name in df.columns else f"shapiro_samples()[{name!r}]"
            line(f"shapiro/{name}", "w", w, f"AS R94 in 40 digits: shapiro_reference({what})")
            line(f"shapiro/{name}", "p", p, "same call")
            line(f"shapiro_scipy/{name}", "w", float(r.statistic), f"scipy (float32): stats.shapiro({what})")
            line(f"shapiro_scipy/{name}", "p", float(r.pvalue), "same call, .pvalue")


def distributions():
    section("distribution functions (scipy %s)" % scipy.__version__)
    cases = [
        ("betainc", (0.5, 0.5, 0.3), special.betainc(0.5, 0.5, 0.3), "special.betainc(0.5, 0.5, 0.3)"),
        ("betainc", (2.0, 3.0, 0.4), special.betainc(2, 3, 0.4), "special.betainc(2, 3, 0.4)"),
        ("betainc", (50.0, 40.0, 0.6), special.betainc(50, 40, 0.6), "special.betainc(50, 40, 0.6)"),
        ("betainc", (5000.0, 0.5, 0.999), special.betainc(5000, 0.5, 0.999), "special.betainc(5000, 0.5, 0.999)"),
        ("betainc", (1e5, 2e5, 0.34), special.betainc(1e5, 2e5, 0.34), "special.betainc(1e5, 2e5, 0.34)"),
        ("betainc", (0.001, 1000.0, 1e-5), special.betainc(0.001, 1000, 1e-5), "special.betainc(0.001, 1000, 1e-5)"),
        ("t_sf", (2.5, 3.0), stats.t.sf(2.5, 3), "stats.t.sf(2.5, 3)"),
        ("t_sf", (-1.2, 7.5), stats.t.sf(-1.2, 7.5), "stats.t.sf(-1.2, 7.5)"),
        ("t_sf", (40.0, 5.0), stats.t.sf(40, 5), "stats.t.sf(40, 5)"),
        ("t_sf", (0.1, 1e6), stats.t.sf(0.1, 1e6), "stats.t.sf(0.1, 1e6)"),
        ("t_sf", (6.0, 1e7), stats.t.sf(6, 1e7), "stats.t.sf(6, 1e7)"),
        ("t_sf", (30.0, 2000.0), stats.t.sf(30, 2000), "stats.t.sf(30, 2000)"),
        ("t_sf", (1e-8, 10.0), stats.t.sf(1e-8, 10), "stats.t.sf(1e-8, 10)"),
        ("f_sf", (3.2, 4.0, 50.0), stats.f.sf(3.2, 4, 50), "stats.f.sf(3.2, 4, 50)"),
        ("f_sf", (100.0, 3.0, 1000.0), stats.f.sf(100, 3, 1000), "stats.f.sf(100, 3, 1000)"),
        ("f_sf", (0.5, 10.0, 12.0), stats.f.sf(0.5, 10, 12), "stats.f.sf(0.5, 10, 12)"),
        # SciPy's own f.sf (Cephes fdtrc) is ~1e-10 off here; Boost's ibeta behind stats.beta is not.
        ("f_sf", (1.01, 1e5, 1e5), stats.beta.cdf(1e5 / (1e5 + 1.01e5), 5e4, 5e4),
         f"stats.beta.cdf(1e5 / (1e5 + 1.01e5), 5e4, 5e4) (Boost); stats.f.sf(1.01, 1e5, 1e5) = {stats.f.sf(1.01, 1e5, 1e5)!r}"),
        ("chi2_sf", (3.84, 1.0), stats.chi2.sf(3.84, 1), "stats.chi2.sf(3.84, 1)"),
        ("chi2_sf", (50.0, 2.0), stats.chi2.sf(50, 2), "stats.chi2.sf(50, 2)"),
        ("chi2_sf", (1000.0, 900.0), stats.chi2.sf(1000, 900), "stats.chi2.sf(1000, 900)"),
        ("chi2_sf", (0.001, 10.0), stats.chi2.sf(0.001, 10), "stats.chi2.sf(0.001, 10)"),
        ("chi2_sf", (700.0, 3.0), stats.chi2.sf(700, 3), "stats.chi2.sf(700, 3)"),
        ("chi2_sf", (2.0e6, 2.0e6), stats.chi2.sf(2e6, 2e6), "stats.chi2.sf(2e6, 2e6)"),
        ("gammaincc", (0.5, 2.0), special.gammaincc(0.5, 2), "special.gammaincc(0.5, 2)"),
        ("gammainc", (30.0, 12.0), special.gammainc(30, 12), "special.gammainc(30, 12)"),
        ("norm_sf", (1.96, 0.0), stats.norm.sf(1.96), "stats.norm.sf(1.96)"),
        ("norm_sf", (-3.0, 0.0), stats.norm.sf(-3), "stats.norm.sf(-3)"),
        ("norm_sf", (12.0, 0.0), stats.norm.sf(12), "stats.norm.sf(12)"),
        ("norm_ppf", (0.0625 / 2000.25, 0.0), stats.norm.ppf(0.0625 / 2000.25), "stats.norm.ppf(0.0625 / 2000.25)"),
        ("norm_ppf", (0.3, 0.0), stats.norm.ppf(0.3), "stats.norm.ppf(0.3)"),
        ("norm_ppf", (0.5, 0.0), stats.norm.ppf(0.5), "stats.norm.ppf(0.5)"),
        ("norm_ppf", (0.975, 0.0), stats.norm.ppf(0.975), "stats.norm.ppf(0.975)"),
        ("norm_ppf", (1e-300, 0.0), stats.norm.ppf(1e-300), "stats.norm.ppf(1e-300)"),
    ]
    for name, args, value, src in cases:
        a = ", ".join(repr(float(v)) for v in args)
        print(f'    {{"{name}", {{{a}}}, {float(value)!r}}},  // scipy: {src}')


def main():
    generate()
    df = pd.read_csv(CSV, float_precision="round_trip")
    print(f"// {CSV}: {len(df)} rows; numpy {np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}")
    describe(df)
    correlation(df)
    groupby(df)
    groupby_distinct_and_ends(df)
    histogram(df)
    tests(df)
    shapiro(df)
    distributions()
    return 0


if __name__ == "__main__":
    sys.exit(main())
