// stats_ttest, stats_chi2 (with Fisher's exact test of 2x2 tables), stats_anova and
// stats_normality against SciPy 1.10.1 on the fixed-seed fixture and hand-made tables, merge
// correctness, and bad input (too few values, constant data,
// non-numeric text, ambiguous groups). Reference values: make_fixtures.py ("hypothesis tests").

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "stats_test_support.hpp"

using namespace stats_test;

namespace {

struct Ref {
  const char* test;
  const char* key;
  double value;
};

const Ref kTests[] = {
    {"one_sample", "t",
     -1.7168306687879038},  // scipy: stats.ttest_1samp(df["normal"].dropna(), 50)
    {"one_sample", "p", 0.08617317961322198},    // same call, .pvalue
    {"one_sample", "d", -0.039386796781146434},  // (x.mean() - 50) / x.std()  (Cohen's d, ddof=1)
    {"one_sample_greater", "t",
     -3.893915959773789},  // scipy: stats.ttest_1samp(x, 50.5, alternative="greater")
    {"one_sample_greater", "p", 0.999948975010057},  // same call, .pvalue
    {"welch", "t", 0.15280771921816028},    // scipy: stats.ttest_ind(A, B, equal_var=False), A/B =
                                            // df.normal where group2 == "A"/"B", dropna
    {"welch", "p", 0.8785670947781143},     // same call, .pvalue
    {"student", "t", 0.15258021125588594},  // scipy: stats.ttest_ind(A, B, equal_var=True), A/B =
                                            // df.normal where group2 == "A"/"B", dropna
    {"student", "p", 0.8787455492018119},   // same call, .pvalue
    {"welch", "df", 1793.9442314334478},    // Welch–Satterthwaite: (va/na + vb/nb)**2 /
                                            // ((va/na)**2/(na-1) + (vb/nb)**2/(nb-1))
    {"welch", "d", 0.007056439914048176},   // (A.mean() - B.mean()) / pooled sd (ddof=1)
    {"paired", "t", -17.34354040504171},    // scipy: stats.ttest_rel(p["before"], p["after"]), p =
                                            // df[["before", "after"]].dropna()
    {"paired", "p", 1.0311680553433464e-62},  // same call, .pvalue
    {"paired", "n", 1921},                    // len(p)
    {"paired", "d",
     -0.3957073107539591},  // d.mean() / d.std(), d = p.before - p.after (Cohen's d_z)
    {"welch_columns", "t", -4.145662785769597},     // scipy: stats.ttest_ind(df["before"].dropna(),
                                                    // df["after"].dropna(), equal_var=False)
    {"welch_columns", "p", 3.460350830554377e-05},  // same call, .pvalue
    {"chi2", "statistic",
     89.78516171583031},  // scipy: stats.chi2_contingency(pd.crosstab(df["category"], df["flag"]))
    {"chi2", "p",
     2.436132515480253e-19},  // scipy: stats.chi2_contingency(pd.crosstab(df["category"],
                              // df["flag"]))
    {"chi2", "dof", 3},  // scipy: stats.chi2_contingency(pd.crosstab(df["category"], df["flag"]))
    {"chi2", "v",
     0.2140298016105805},  // scipy: stats.contingency.association(pd.crosstab(df["category"],
                           // df["flag"]), method="cramer")
    {"chi2_2x2_True", "statistic",
     0.1819979801149565},  // scipy: stats.chi2_contingency(pd.crosstab(df["group2"], df["flag"]),
                           // correction=True)
    {"chi2_2x2_True", "p",
     0.6696618008818165},  // scipy: stats.chi2_contingency(pd.crosstab(df["group2"], df["flag"]),
                           // correction=True)
    {"chi2_2x2_False", "statistic",
     0.22316251035620438},  // scipy: stats.chi2_contingency(pd.crosstab(df["group2"], df["flag"]),
                            // correction=False)
    {"chi2_2x2_False", "p",
     0.6366407375937908},  // scipy: stats.chi2_contingency(pd.crosstab(df["group2"], df["flag"]),
                           // correction=False)
    {"fisher_2x2", "odds",
     0.9576394363421363},  // scipy: stats.fisher_exact(pd.crosstab(df["group2"], df["flag"]))
    {"fisher_2x2", "p",
     0.6472180302951647},  // scipy: stats.fisher_exact(pd.crosstab(df["group2"], df["flag"]))
    {"fisher/8,2,1,5", "odds", 20.0},  // scipy: stats.fisher_exact([[8, 2], [1, 5]]) (odds 20.0)
    {"fisher/8,2,1,5", "p", 0.034965034965034975},  // scipy: stats.fisher_exact([[8, 2], [1, 5]])
    {"fisher/2,8,8,2", "odds",
     0.0625},  // scipy: stats.fisher_exact([[2, 8], [8, 2]]) (odds 0.0625)
    {"fisher/2,8,8,2", "p", 0.023014137565221155},  // scipy: stats.fisher_exact([[2, 8], [8, 2]])
    {"fisher/0,5,5,0", "odds", 0.0},  // scipy: stats.fisher_exact([[0, 5], [5, 0]]) (odds 0.0)
    {"fisher/0,5,5,0", "p", 0.007936507936507938},  // scipy: stats.fisher_exact([[0, 5], [5, 0]])
    {"fisher/5,0,0,5", "odds", kNull},  // scipy: stats.fisher_exact([[5, 0], [0, 5]]) (odds inf)
    {"fisher/5,0,0,5", "p", 0.007936507936507938},  // scipy: stats.fisher_exact([[5, 0], [0, 5]])
    {"fisher/3,3,3,3", "odds", 1.0},  // scipy: stats.fisher_exact([[3, 3], [3, 3]]) (odds 1.0)
    {"fisher/3,3,3,3", "p", 1.0},     // scipy: stats.fisher_exact([[3, 3], [3, 3]])
    {"fisher/20,13,7,29", "odds",
     6.373626373626373},  // scipy: stats.fisher_exact([[20, 13], [7, 29]]) (odds 6.373626373626373)
    {"fisher/20,13,7,29", "p",
     0.0005862296027187409},  // scipy: stats.fisher_exact([[20, 13], [7, 29]])
    {"fisher/1000,2000,1500,1400", "odds",
     0.4666666666666667},  // scipy: stats.fisher_exact([[1000, 2000], [1500, 1400]]) (odds
                           // 0.4666666666666667)
    {"fisher/1000,2000,1500,1400", "p",
     1.5499776314985014e-46},  // scipy: stats.fisher_exact([[1000, 2000], [1500, 1400]])
    {"fisher/12000,30000,31000,70000", "odds",
     0.9032258064516129},  // scipy: stats.fisher_exact([[12000, 30000], [31000, 70000]]) (odds
                           // 0.9032258064516129)
    {"fisher/12000,30000,31000,70000", "p",
     1.3488867184719361e-15},  // scipy: stats.fisher_exact([[12000, 30000], [31000, 70000]])
    {"chi2_2x2", "v",
     0.010563202884452338},  // scipy: stats.contingency.association(pd.crosstab(df["group2"],
                             // df["flag"]), method="cramer")
    {"anova", "F", 0.7218855579350149},  // scipy: stats.f_oneway(*[g["normal"].dropna() for _, g in
                                         // df.groupby("category")])
    {"anova", "p", 0.5388796286176064},  // scipy: stats.f_oneway(*[g["normal"].dropna() for _, g in
                                         // df.groupby("category")])
    {"anova", "eta2", 0.001164854065602475},  // SSB / SST over the same groups (numpy sums)
    {"anova_huge", "F",
     1.7265963568913374},  // scipy: stats.f_oneway(*[g["huge"] for _, g in df.groupby("group2")])
    {"anova_huge", "p", 0.18899699922754762},  // same call, .pvalue
    {"normality/normal", "jb",
     1.7353465172002813},  // scipy: stats.jarque_bera(df["normal"].dropna())
    {"normality/normal", "jb_p", 0.4199274760862145},  // same call, .pvalue
    {"normality/normal", "k2",
     1.728787142652136},  // scipy: stats.normaltest(df["normal"].dropna())
    {"normality/normal", "k2_p", 0.42130696779975263},  // same call, .pvalue
    {"normality/normal", "z_skew",
     -1.3137503083511095},  // scipy: stats.skewtest(df["normal"].dropna())
    {"normality/normal", "z_kurt",
     -0.05335981596201989},  // scipy: stats.kurtosistest(df["normal"].dropna())
    {"normality/normal", "g1", -0.07363712426794454},  // scipy: stats.skew(df["normal"].dropna())
    {"normality/normal", "g2",
     -0.015180983210759447},  // scipy: stats.kurtosis(df["normal"].dropna())
    {"normality/skewed", "jb",
     93529.0541701949},                 // scipy: stats.jarque_bera(df["skewed"].dropna())
    {"normality/skewed", "jb_p", 0.0},  // same call, .pvalue
    {"normality/skewed", "k2",
     1858.5889352089896},               // scipy: stats.normaltest(df["skewed"].dropna())
    {"normality/skewed", "k2_p", 0.0},  // same call, .pvalue
    {"normality/skewed", "z_skew",
     35.66285540633614},  // scipy: stats.skewtest(df["skewed"].dropna())
    {"normality/skewed", "z_kurt",
     24.222916411442917},  // scipy: stats.kurtosistest(df["skewed"].dropna())
    {"normality/skewed", "g1", 4.515768649442799},  // scipy: stats.skew(df["skewed"].dropna())
    {"normality/skewed", "g2", 32.7946916128207},   // scipy: stats.kurtosis(df["skewed"].dropna())
};

// make_fixtures.py, section "normality: Shapiro–Wilk": "shapiro/…" is AS R94 evaluated in 40
// digits (the 1e-9 reference); "shapiro_scipy/…" is scipy.stats.shapiro, which SciPy 1.10
// computes in single precision (W to ~5e-6, p to ~1e-2, p underflowing to 0 below ~1e-45).
const Ref kShapiro[] = {
    {"shapiro/normal", "w",
     0.9990322531494717},  // AS R94 in 40 digits: shapiro_reference(df["normal"].dropna())
    {"shapiro/normal", "p", 0.4085098460510393},  // same call
    {"shapiro_scipy/normal", "w",
     0.9990324378013611},  // scipy (float32): stats.shapiro(df["normal"].dropna())
    {"shapiro_scipy/normal", "p", 0.40869277715682983},  // same call, .pvalue
    {"shapiro/skewed", "w",
     0.6033015893641442},  // AS R94 in 40 digits: shapiro_reference(df["skewed"].dropna())
    {"shapiro/skewed", "p", 6.212059040020617e-55},  // same call
    {"shapiro_scipy/skewed", "w",
     0.6033017635345459},                // scipy (float32): stats.shapiro(df["skewed"].dropna())
    {"shapiro_scipy/skewed", "p", 0.0},  // same call, .pvalue
    {"shapiro/ties", "w",
     0.9469409409678559},  // AS R94 in 40 digits: shapiro_reference(df["ties"].dropna())
    {"shapiro/ties", "p", 5.240157006717517e-26},  // same call
    {"shapiro_scipy/ties", "w",
     0.9469413161277771},  // scipy (float32): stats.shapiro(df["ties"].dropna())
    {"shapiro_scipy/ties", "p", 5.241044559166256e-26},  // same call, .pvalue
    {"shapiro/huge", "w",
     0.7893832484198107},  // AS R94 in 40 digits: shapiro_reference(df["huge"].dropna())
    {"shapiro/huge", "p", 4.2412692264179256e-45},  // same call
    {"shapiro_scipy/huge", "w",
     0.7893820405006409},  // scipy (float32): stats.shapiro(df["huge"].dropna())
    {"shapiro_scipy/huge", "p", 4.203895392974451e-45},  // same call, .pvalue
    {"shapiro/n3", "w",
     0.8501170960187353},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n3'])
    {"shapiro/n3", "p", 0.24076327136052666},  // same call
    {"shapiro_scipy/n3", "w",
     0.8501171469688416},  // scipy (float32): stats.shapiro(shapiro_samples()['n3'])
    {"shapiro_scipy/n3", "p", 0.24076253175735474},  // same call, .pvalue
    {"shapiro/n3_even", "w",
     1.0},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n3_even'])
    {"shapiro/n3_even", "p", 1.0},  // same call
    {"shapiro_scipy/n3_even", "w",
     1.0},  // scipy (float32): stats.shapiro(shapiro_samples()['n3_even'])
    {"shapiro_scipy/n3_even", "p", 0.999998927116394},  // same call, .pvalue
    {"shapiro/n4", "w",
     0.9411912482135188},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n4'])
    {"shapiro/n4", "p", 0.6616037953821395},  // same call
    {"shapiro_scipy/n4", "w",
     0.9411912560462952},  // scipy (float32): stats.shapiro(shapiro_samples()['n4'])
    {"shapiro_scipy/n4", "p", 0.6616039872169495},  // same call, .pvalue
    {"shapiro/n5", "w",
     0.9016740704147143},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n5'])
    {"shapiro/n5", "p", 0.4192072416193972},  // same call
    {"shapiro_scipy/n5", "w",
     0.9016740918159485},  // scipy (float32): stats.shapiro(shapiro_samples()['n5'])
    {"shapiro_scipy/n5", "p", 0.41920748353004456},  // same call, .pvalue
    {"shapiro/n7_ties", "w",
     0.9800126155171784},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n7_ties'])
    {"shapiro/n7_ties", "p", 0.9595988881857215},  // same call
    {"shapiro_scipy/n7_ties", "w",
     0.9800125360488892},  // scipy (float32): stats.shapiro(shapiro_samples()['n7_ties'])
    {"shapiro_scipy/n7_ties", "p", 0.9595983028411865},  // same call, .pvalue
    {"shapiro/n11", "w",
     0.9107861434767636},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n11'])
    {"shapiro/n11", "p", 0.24917208528919116},  // same call
    {"shapiro_scipy/n11", "w",
     0.9107863903045654},  // scipy (float32): stats.shapiro(shapiro_samples()['n11'])
    {"shapiro_scipy/n11", "p", 0.24917399883270264},  // same call, .pvalue
    {"shapiro/n12", "w",
     0.9247305955956028},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n12'])
    {"shapiro/n12", "p", 0.3275812064298837},  // same call
    {"shapiro_scipy/n12", "w",
     0.9247305393218994},  // scipy (float32): stats.shapiro(shapiro_samples()['n12'])
    {"shapiro_scipy/n12", "p", 0.3275807797908783},  // same call, .pvalue
    {"shapiro/n6000", "w",
     0.9550635925571233},  // AS R94 in 40 digits: shapiro_reference(shapiro_samples()['n6000'])
    {"shapiro/n6000", "p", 1.7101161789805646e-39},  // same call
    {"shapiro_scipy/n6000", "w",
     0.955061674118042},  // scipy (float32): stats.shapiro(shapiro_samples()['n6000'])
    {"shapiro_scipy/n6000", "p", 1.707518612539862e-39},  // same call, .pvalue
};

double ref(const std::string& test, const std::string& key) {
  for (const Ref& r : kTests) {
    if (test == r.test && key == r.key) return r.value;
  }
  for (const Ref& r : kShapiro) {
    if (test == r.test && key == r.key) return r.value;
  }
  throw std::runtime_error("no reference " + test + "/" + key);
}

struct Check {
  const char* tool;
  json args;
  std::vector<std::pair<std::string, std::string>> fields;  // result path -> reference "test/key"
};

const json& at_path(const json& data, const std::string& path) {
  const json* v = &data;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    v = (!part.empty() && std::isdigit(static_cast<unsigned char>(part[0])))
            ? &v->at(std::stoul(part))
            : &v->at(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *v;
}

std::vector<Check> checks() {
  return {
      {"stats_ttest",
       {{"test", "one_sample"}, {"column", "normal"}, {"mu", 50}},
       {{"statistic", "one_sample/t"}, {"p_value", "one_sample/p"}, {"cohens_d", "one_sample/d"}}},
      {"stats_ttest",
       {{"test", "one_sample"}, {"column", "normal"}, {"mu", 50.5}, {"alternative", "greater"}},
       {{"statistic", "one_sample_greater/t"}, {"p_value", "one_sample_greater/p"}}},
      {"stats_ttest",
       {{"test", "welch"}, {"column", "normal"}, {"by", "group2"}},
       {{"statistic", "welch/t"},
        {"p_value", "welch/p"},
        {"df", "welch/df"},
        {"cohens_d", "welch/d"}}},
      {"stats_ttest",
       {{"test", "student"}, {"column", "normal"}, {"by", "group2"}, {"groups", {"A", "B"}}},
       {{"statistic", "student/t"}, {"p_value", "student/p"}}},
      {"stats_ttest",
       {{"test", "paired"}, {"column", "before"}, {"column_b", "after"}},
       {{"statistic", "paired/t"},
        {"p_value", "paired/p"},
        {"samples.0.n", "paired/n"},
        {"cohens_d", "paired/d"}}},
      {"stats_ttest",
       {{"test", "welch"}, {"column", "before"}, {"column_b", "after"}},
       {{"statistic", "welch_columns/t"}, {"p_value", "welch_columns/p"}}},
      {"stats_chi2",
       {{"column", "category"}, {"by", "flag"}},
       {{"statistic", "chi2/statistic"},
        {"p_value", "chi2/p"},
        {"dof", "chi2/dof"},
        {"cramers_v", "chi2/v"}}},
      {"stats_chi2",
       {{"column", "group2"}, {"by", "flag"}},
       {{"statistic", "chi2_2x2_True/statistic"},
        {"p_value", "chi2_2x2_True/p"},
        {"cramers_v", "chi2_2x2/v"},
        {"fisher_exact.odds_ratio", "fisher_2x2/odds"},
        {"fisher_exact.p_value", "fisher_2x2/p"}}},
      {"stats_chi2",
       {{"column", "group2"}, {"by", "flag"}, {"correction", false}},
       {{"statistic", "chi2_2x2_False/statistic"},
        {"p_value", "chi2_2x2_False/p"},
        {"cramers_v", "chi2_2x2/v"}}},
      {"stats_anova",
       {{"column", "normal"}, {"by", "category"}},
       {{"f", "anova/F"}, {"p_value", "anova/p"}, {"eta_squared", "anova/eta2"}}},
      {"stats_anova",
       {{"column", "huge"}, {"by", "group2"}},
       {{"f", "anova_huge/F"}, {"p_value", "anova_huge/p"}}},
      {"stats_normality",
       {{"columns", {"normal", "skewed"}}},
       {{"columns.0.jarque_bera.statistic", "normality/normal/jb"},
        {"columns.0.jarque_bera.p_value", "normality/normal/jb_p"},
        {"columns.0.dagostino_k2.statistic", "normality/normal/k2"},
        {"columns.0.dagostino_k2.p_value", "normality/normal/k2_p"},
        {"columns.0.dagostino_k2.z_skewness", "normality/normal/z_skew"},
        {"columns.0.dagostino_k2.z_kurtosis", "normality/normal/z_kurt"},
        {"columns.0.skewness", "normality/normal/g1"},
        {"columns.0.kurtosis", "normality/normal/g2"},
        {"columns.1.jarque_bera.statistic", "normality/skewed/jb"},
        {"columns.1.jarque_bera.p_value", "normality/skewed/jb_p"},
        {"columns.1.dagostino_k2.statistic", "normality/skewed/k2"},
        {"columns.1.dagostino_k2.p_value", "normality/skewed/k2_p"},
        {"columns.1.dagostino_k2.z_skewness", "normality/skewed/z_skew"},
        {"columns.1.dagostino_k2.z_kurtosis", "normality/skewed/z_kurt"},
        {"columns.1.skewness", "normality/skewed/g1"},
        {"columns.1.kurtosis", "normality/skewed/g2"},
        {"columns.0.shapiro_wilk.statistic", "shapiro/normal/w"},
        {"columns.0.shapiro_wilk.p_value", "shapiro/normal/p"},
        {"columns.1.shapiro_wilk.statistic", "shapiro/skewed/w"},
        {"columns.1.shapiro_wilk.p_value", "shapiro/skewed/p"}}},
      {"stats_normality",
       {{"columns", {"ties", "huge"}}, {"tests", {"shapiro_wilk"}}},
       {{"columns.0.shapiro_wilk.statistic", "shapiro/ties/w"},
        {"columns.0.shapiro_wilk.p_value", "shapiro/ties/p"},
        {"columns.1.shapiro_wilk.statistic", "shapiro/huge/w"},
        {"columns.1.shapiro_wilk.p_value", "shapiro/huge/p"}}},
  };
}

void verify(const Check& c, const json& data) {
  for (const auto& [path, reference] : c.fields) {
    SCOPED_TRACE(std::string(c.tool) + " " + c.args.dump() + " " + path);
    const std::size_t slash = reference.rfind('/');
    const double expected = ref(reference.substr(0, slash), reference.substr(slash + 1));
    if (expected == 0.0) {  // SciPy underflowed to 0 (p of exp(-46764)); we must too
      EXPECT_EQ(at_path(data, path).get<double>(), 0.0);
    } else {
      EXPECT_TRUE(near_rel(at_path(data, path), expected));
    }
  }
}

}  // namespace

TEST(StatsTests, MatchSciPyOnTheFixture) {
  for (const Check& c : checks()) {
    const Outcome out = run_ok(c.tool, c.args, fixture());
    ASSERT_EQ(out.status, QUARRY_OK) << c.tool << " " << c.args.dump();
    verify(c, out.data());
  }
}

TEST(StatsTests, SameResultsForAnyChunkingAndMergeOrder) {
  for (const Check& c : checks()) {
    const Outcome whole = run_ok(c.tool, c.args, fixture());
    for (const RunOptions& split : splits(fixture().rows)) {
      SCOPED_TRACE(std::string(c.tool) + " chunk_rows " + std::to_string(split.chunk_rows) +
                   ", instances " + std::to_string(split.instances));
      const Outcome parts = run_ok(c.tool, c.args, fixture(), split);
      ASSERT_EQ(parts.status, QUARRY_OK);
      EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-9));
      verify(c, parts.data());
    }
  }
}

TEST(StatsTests, ContingencyTableIsReturned) {
  // pd.crosstab(df["category"], df["flag"]) (rows alpha, beta, delta, gamma; columns False, True)
  const Outcome out = run_ok("stats_chi2", {{"column", "category"}, {"by", "flag"}}, fixture());
  EXPECT_EQ(out.data().at("observed"),
            json::parse("[[526, 232], [345, 234], [81, 133], [201, 208]]"));
  EXPECT_EQ(out.data().at("row_levels"), json({"alpha", "beta", "delta", "gamma"}));
  EXPECT_EQ(out.data().at("column_levels"), json({"false", "true"}));
  EXPECT_FALSE(out.data().at("correction_applied"));
  EXPECT_NE(out.text().find("Cramér's V"), std::string::npos);
  const Outcome yates = run_ok("stats_chi2", {{"column", "group2"}, {"by", "flag"}}, fixture());
  EXPECT_TRUE(yates.data().at("correction_applied"));
}

// A table with the rows of [[a, b], [c, d]]: x is r0/r1, y is c0/c1 (sorted as crosstab).
Table two_by_two(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  std::vector<std::optional<std::string>> x, y;
  const std::int64_t counts[2][2] = {{a, b}, {c, d}};
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      for (std::int64_t k = 0; k < counts[i][j]; ++k) {
        x.emplace_back("r" + std::to_string(i));
        y.emplace_back("c" + std::to_string(j));
      }
    }
  }
  return make_table({text_column("x", x), text_column("y", y)});
}

TEST(StatsTests, FisherExactOnTwoByTwoTablesMatchesSciPy) {
  const std::vector<std::array<std::int64_t, 4>> tables = {{8, 2, 1, 5},
                                                           {2, 8, 8, 2},
                                                           {0, 5, 5, 0},
                                                           {5, 0, 0, 5},
                                                           {3, 3, 3, 3},
                                                           {20, 13, 7, 29},
                                                           {1000, 2000, 1500, 1400},
                                                           {12000, 30000, 31000, 70000}};
  for (const auto& t : tables) {
    std::string name = "fisher/";
    for (std::size_t i = 0; i < 4; ++i) name += (i ? "," : "") + std::to_string(t[i]);
    SCOPED_TRACE(name);
    const Table table = two_by_two(t[0], t[1], t[2], t[3]);
    const bool small = table.rows < 200;
    for (const RunOptions& split :
         small ? splits(table.rows) : std::vector<RunOptions>{RunOptions{}}) {
      const Outcome out = run_ok("stats_chi2", {{"column", "x"}, {"by", "y"}}, table, split);
      ASSERT_EQ(out.status, QUARRY_OK);
      const json& f = out.data().at("fisher_exact");
      EXPECT_TRUE(near_rel(f.at("odds_ratio"), ref(name, "odds")));
      EXPECT_TRUE(near_rel(f.at("p_value"), ref(name, "p")));
      EXPECT_EQ(f.at("alternative"), "two-sided");
    }
  }
  const Outcome inf = run_ok("stats_chi2", {{"column", "x"}, {"by", "y"}}, two_by_two(5, 0, 0, 5));
  EXPECT_NE(inf.data().at("notes").dump().find("odds ratio is infinite"), std::string::npos);
  EXPECT_NE(inf.data().at("notes").dump().find("fisher_exact is exact at any count"),
            std::string::npos);
  EXPECT_NE(inf.text().find("Fisher's exact test (2x2): odds ratio = -, p = 0.007937"),
            std::string::npos)
      << inf.text();
  // Only 2x2 tables get it.
  const Outcome wide = run_ok("stats_chi2", {{"column", "category"}, {"by", "flag"}}, fixture());
  EXPECT_FALSE(wide.data().contains("fisher_exact"));
  const Table one_level = make_table({text_column("x", {"a", "a"}), text_column("y", {"b", "c"})});
  const Outcome degenerate = run_ok("stats_chi2", {{"column", "x"}, {"by", "y"}}, one_level);
  EXPECT_FALSE(degenerate.data().contains("fisher_exact"));
  // No rows, or no row with both values (an empty column), is an error naming why, as a
  // t-test without values is.
  const Table empty = make_table({text_column("x", {}), text_column("y", {})});
  const Outcome none = run("stats_chi2", {{"column", "x"}, {"by", "y"}}, empty);
  EXPECT_EQ(none.status, QUARRY_INVALID_ARGUMENT);
  const Table blank =
      make_table({text_column("x", {"a", "b"}), text_column("y", {std::nullopt, std::nullopt})});
  const Outcome unpaired = run("stats_chi2", {{"column", "x"}, {"by", "y"}}, blank);
  EXPECT_EQ(unpaired.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(unpaired.error.find("no row has a value in both 'x' and 'y' (2 rows"),
            std::string::npos)
      << unpaired.error;
}

// The hand-made samples of make_fixtures.py's shapiro_samples().
std::vector<std::pair<std::string, std::vector<double>>> shapiro_samples() {
  std::vector<double> n11, n12, n6000;
  for (int i = 0; i < 11; ++i) n11.push_back(static_cast<double>(i * i % 11));
  for (int i = 0; i < 12; ++i) n12.push_back(static_cast<double>(i * i % 13) + i / 4.0);
  for (int i = 0; i < 6000; ++i) {
    n6000.push_back(static_cast<double>((i * 7919) % 10007) / 7.0 + (i * 31) % 17);
  }
  return {{"n3", {1.5, 2.25, 7.0}},
          {"n3_even", {1.0, 2.0, 3.0}},
          {"n4", {3.1, 1.2, 5.7, 2.2}},
          {"n5", {3.1, 1.2, 5.7, 2.2, 9.9}},
          {"n7_ties", {2.5, 3.5, 1.25, 8.0, 4.5, 4.5, 6.0}},
          {"n11", n11},
          {"n12", n12},
          {"n6000", n6000}};
}

TEST(StatsTests, ShapiroWilkMatchesTheAlgorithmAndSciPyAtItsPrecision) {
  for (const auto& [name, values] : shapiro_samples()) {
    SCOPED_TRACE(name);
    const Table table = make_table({float_column("x", values)});
    const Outcome out = run_ok("stats_normality", {{"tests", {"shapiro_wilk"}}}, table,
                               {values.size() > 100 ? 997 : 2, 3, MergeOrder::tree, 5, 0});
    ASSERT_EQ(out.status, QUARRY_OK);
    const json& sw = out.data().at("columns")[0].at("shapiro_wilk");
    EXPECT_TRUE(near_rel(sw.at("statistic"), ref("shapiro/" + name, "w")));
    EXPECT_TRUE(near_rel(sw.at("p_value"), ref("shapiro/" + name, "p")));
    EXPECT_TRUE(near_rel(sw.at("statistic"), ref("shapiro_scipy/" + name, "w"), 5e-6));
    EXPECT_TRUE(near_rel(sw.at("p_value"), ref("shapiro_scipy/" + name, "p"), 2e-2));
    const bool large = values.size() > 5000;
    EXPECT_EQ(
        out.data().at("notes").dump().find("calibrated for at most 5000") != std::string::npos,
        large);
  }
  // The fixture's columns, against SciPy to its single precision (skewed: SciPy's p underflows).
  const Outcome out =
      run_ok("stats_normality", {{"columns", {"normal", "ties", "huge"}}}, fixture());
  const char* names[] = {"normal", "ties", "huge"};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& sw = out.data().at("columns")[i].at("shapiro_wilk");
    const std::string scipy = std::string("shapiro_scipy/") + names[i];
    EXPECT_TRUE(near_rel(sw.at("statistic"), ref(scipy, "w"), 2e-6)) << names[i];
    EXPECT_TRUE(near_rel(sw.at("p_value"), ref(scipy, "p"), 2e-2)) << names[i];
  }
  EXPECT_NE(out.text().find("p(W)"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("Shapiro–Wilk, Jarque–Bera, D'Agostino K²"), std::string::npos);
}

// W does not depend on the scale, so values near 1e-300 or 1e300 (whose squared deviations
// underflow or overflow) give the W of the same values near 1. References: SciPy 1.10
// (float32) stats.shapiro([1, 2, 3, 4, 5]) = 0.9867621660232544 and
// stats.shapiro([1, 2, 3, -1e8, 5]) = 0.5521817803382874, p 0.00013097876217216253. The moment
// tests say why they are undefined instead of calling the columns constant.
TEST(StatsTests, ShapiroWilkIsTheSameAtAnyScale) {
  const Table t = make_table({float_column("one", {1, 2, 3, 4, 5}),
                              float_column("tiny", {1e-300, 2e-300, 3e-300, 4e-300, 5e-300}),
                              float_column("far", {1, 2, 3, -1e8, 5}),
                              float_column("huge", {1e300, 2e300, 3e300, -1e308, 5e300})});
  const Outcome out = run_ok("stats_normality", json::object(), t);
  const json& columns = out.data().at("columns");
  const auto w = [&](std::size_t i) { return columns[i].at("shapiro_wilk").at("statistic"); };
  EXPECT_TRUE(near_rel(w(1), w(0).get<double>(), 1e-12));
  EXPECT_TRUE(near_rel(w(3), w(2).get<double>(), 1e-12));
  EXPECT_TRUE(near_rel(w(0), 0.9867621660232544, 5e-6));
  EXPECT_TRUE(near_rel(w(3), 0.5521817803382874, 5e-6));
  EXPECT_TRUE(near_rel(columns[3].at("shapiro_wilk").at("p_value"), 0.00013097876217216253, 2e-2));
  const std::string notes = out.data().at("notes").dump();
  EXPECT_EQ(notes.find("is constant"), std::string::npos) << notes;
  EXPECT_NE(notes.find("column 'tiny' has values so small"), std::string::npos) << notes;
  EXPECT_NE(notes.find("column 'huge' has values so far apart"), std::string::npos) << notes;
}

TEST(StatsTests, OneSampleTestKeepsTheDigitsOfDataFarFromZero) {
  // At 1e15 doubles step by 0.125: the mean (1e15 + 2.6) rounds to 1e15 + 2.625, so mean - mu
  // must be taken before that rounding. Shifting data and mu by 1e15 leaves t unchanged, so
  // the reference is scipy on the offsets: stats.ttest_1samp([0.5, 1.25, 2.0, 3.75, 5.5], 2.0)
  // -> statistic 0.6641094394949827, pvalue 0.542944946255454; Cohen's d from numpy,
  // (x.mean() - 2) / x.std(ddof=1) = 0.296998770242013.
  const Table t = make_table(
      {float_column("x", {1e15 + 0.5, 1e15 + 1.25, 1e15 + 2.0, 1e15 + 3.75, 1e15 + 5.5})});
  const Outcome out =
      run_ok("stats_ttest", {{"test", "one_sample"}, {"column", "x"}, {"mu", 1e15 + 2.0}}, t);
  EXPECT_TRUE(near_rel(out.data().at("statistic"), 0.6641094394949827, 1e-9)) << out.data();
  EXPECT_TRUE(near_rel(out.data().at("p_value"), 0.542944946255454, 1e-9)) << out.data();
  EXPECT_TRUE(near_rel(out.data().at("cohens_d"), 0.296998770242013, 1e-9)) << out.data();
}

TEST(StatsTests, ShapiroWilkUndefinedCasesAreNullWithAReason) {
  const Table t = make_table({float_column("two", {1.0, 2.0, kNull, kNull}),
                              float_column("flat", {4.0, 4.0, 4.0, 4.0}),
                              float_column("none", {kNull, kNull, kNull, kNull})});
  const Outcome out = run_ok("stats_normality", {{"columns", {"two", "flat", "none"}}}, t);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(out.data().at("columns")[i].at("shapiro_wilk").is_null()) << i;
  }
  const std::string notes = out.data().at("notes").dump();
  EXPECT_NE(notes.find("column 'two' has 2 value(s); Shapiro–Wilk needs at least 3"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("column 'flat' is constant"), std::string::npos) << notes;
  EXPECT_NE(notes.find("column 'none' has 0 value(s); Shapiro–Wilk needs at least 3"),
            std::string::npos)
      << notes;
  const Table empty = make_table({float_column("x", {})});
  const Outcome none = run_ok("stats_normality", json::object(), empty);
  EXPECT_TRUE(none.data().at("columns")[0].at("shapiro_wilk").is_null());
  // Only the tests asked for are run and reported.
  const Outcome jb =
      run_ok("stats_normality", {{"columns", {"normal"}}, {"tests", {"jarque_bera"}}}, fixture());
  EXPECT_FALSE(jb.data().at("columns")[0].contains("shapiro_wilk"));
  EXPECT_FALSE(jb.data().at("columns")[0].contains("dagostino_k2"));
  EXPECT_TRUE(jb.data().at("columns")[0].at("jarque_bera").is_object());
}

TEST(StatsTests, ShapiroWilkPastTheBudget) {
  const RunOptions tight{250, 2, MergeOrder::left, 0, 64 * 1024};  // 16 KiB a state
  const json columns = {"normal", "skewed"};                       // 3840 values, 30 KiB
  // By default it is left out with a note, and the streaming tests still run.
  const Outcome skipped = run_ok("stats_normality", {{"columns", columns}}, fixture(), tight);
  ASSERT_EQ(skipped.status, QUARRY_OK);
  EXPECT_TRUE(skipped.data().at("columns")[0].at("shapiro_wilk").is_null());
  EXPECT_TRUE(near_rel(skipped.data().at("columns")[0].at("jarque_bera").at("statistic"),
                       ref("normality/normal", "jb")));
  EXPECT_NE(skipped.data().at("notes").dump().find("Shapiro–Wilk was left out"), std::string::npos)
      << skipped.data().at("notes").dump();
  // Named in "tests", it fails naming the budget and the way out.
  const Outcome failed =
      run("stats_normality", {{"columns", columns}, {"tests", {"shapiro_wilk", "jarque_bera"}}},
          fixture(), tight);
  EXPECT_EQ(failed.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(failed.error.find("memory budget"), std::string::npos) << failed.error;
  EXPECT_NE(failed.error.find("[\"jarque_bera\", \"dagostino_k2\"]"), std::string::npos)
      << failed.error;
}

TEST(StatsTests, TwoSampleByGroupsNeedsTwoGroups) {
  const Outcome out =
      run("stats_ttest", {{"test", "welch"}, {"column", "normal"}, {"by", "category"}}, fixture());
  EXPECT_EQ(out.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(out.error.find("has 4 groups with values (\"alpha\", \"beta\", \"delta\", \"gamma\")"),
            std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("'groups'"), std::string::npos);
  const Outcome chosen = run_ok(
      "stats_ttest",
      {{"test", "welch"}, {"column", "normal"}, {"by", "category"}, {"groups", {"gamma", "alpha"}}},
      fixture());
  EXPECT_EQ(chosen.data().at("samples")[0].at("name"), "gamma");
  EXPECT_EQ(chosen.data().at("samples")[0].at("n"), 389);  // pandas groupby count, see groupby_test
  const Outcome unknown = run(
      "stats_ttest",
      {{"test", "welch"}, {"column", "normal"}, {"by", "category"}, {"groups", {"gamma", "omega"}}},
      fixture());
  EXPECT_NE(unknown.error.find("group \"omega\" of 'category' has no values"), std::string::npos)
      << unknown.error;
}

TEST(StatsTests, BadArgumentsAreExplained) {
  const Outcome mixed =
      run("stats_ttest",
          {{"test", "welch"}, {"column", "normal"}, {"column_b", "after"}, {"by", "group2"}},
          fixture());
  EXPECT_EQ(mixed.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(mixed.error.find("either 'column_b'"), std::string::npos) << mixed.error;
  const Outcome text =
      run("stats_ttest", {{"test", "one_sample"}, {"column", "text_num"}}, fixture());
  EXPECT_EQ(text.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(text.error.find("7 of 2000 non-null values are not numbers"), std::string::npos)
      << text.error;
  const Outcome skipped =
      run_ok("stats_ttest",
             {{"test", "one_sample"}, {"column", "text_num"}, {"non_numeric", "skip"}}, fixture());
  EXPECT_EQ(skipped.data().at("samples")[0].at("n"), 1993);
  const Outcome missing = run("stats_anova", {{"column", "normal"}, {"by", "nope"}}, fixture());
  EXPECT_NE(missing.error.find("no column named 'nope' (argument 'by'); available columns:"),
            std::string::npos)
      << missing.error;
}

TEST(StatsTests, TooFewValuesAndConstantData) {
  const Table one = make_table({float_column("x", {3.0}), float_column("y", {1.0})});
  const Outcome t = run("stats_ttest", {{"test", "one_sample"}, {"column", "x"}}, one);
  EXPECT_EQ(t.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(t.error.find("has 1 value(s); a t-test needs at least 2"), std::string::npos)
      << t.error;
  const Table empty = make_table({float_column("x", {}), text_column("g", {})});
  const Outcome e = run("stats_anova", {{"column", "x"}, {"by", "g"}}, empty);
  EXPECT_NE(e.error.find("has 0 group(s)"), std::string::npos) << e.error;

  const Outcome c =
      run_ok("stats_ttest", {{"test", "one_sample"}, {"column", "constant"}, {"mu", 7}}, fixture());
  EXPECT_TRUE(c.data().at("statistic").is_null());
  EXPECT_NE(c.data().at("notes").dump().find("do not vary"), std::string::npos);
  const Outcome n = run_ok("stats_normality", {{"columns", {"constant", "withinf"}}}, fixture());
  EXPECT_TRUE(n.data().at("columns")[0].at("jarque_bera").is_null());
  EXPECT_NE(n.data().at("notes").dump().find("is constant"), std::string::npos);
  EXPECT_NE(n.data().at("notes").dump().find("infinite values"), std::string::npos);
  const Table few = make_table({float_column("x", {1, 2, 4, 8, 16})});
  const Outcome small = run_ok("stats_normality", json::object(), few);
  EXPECT_TRUE(small.data().at("columns")[0].at("dagostino_k2").is_null());
  EXPECT_TRUE(small.data().at("columns")[0].at("jarque_bera").at("statistic").is_number());
  const Table flat =
      make_table({float_column("x", {1, 1, 2, 2}), text_column("g", {"a", "a", "b", "b"})});
  const Outcome anova = run_ok("stats_anova", {{"column", "x"}, {"by", "g"}}, flat);
  EXPECT_TRUE(anova.data().at("f").is_null());
  EXPECT_EQ(anova.data().at("eta_squared"), 1.0);
}

TEST(StatsTests, TextRenderings) {
  const Outcome t =
      run_ok("stats_ttest", {{"test", "welch"}, {"column", "normal"}, {"by", "group2"}}, fixture());
  EXPECT_NE(t.text().find("Welch's two-sample t-test of 'normal' by 'group2': t = 0.152808"),
            std::string::npos)
      << t.text();
  const Outcome a = run_ok("stats_anova", {{"column", "normal"}, {"by", "category"}}, fixture());
  EXPECT_NE(a.text().find("One-way ANOVA of 'normal' by 'category' (4 groups, n = 1861)"),
            std::string::npos)
      << a.text();
  const Outcome n = run_ok("stats_normality", {{"columns", {"normal"}}}, fixture());
  EXPECT_NE(n.text().find("normal"), std::string::npos);
}
