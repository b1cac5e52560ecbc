// stats_correlation against pandas 1.5.3 (pairwise-complete Pearson, Spearman, Kendall's
// tau-b, covariance and the n per pair), merge correctness, the Spearman/Kendall memory guard
// and bad input.
// Reference values: tests/unit/plugins/stats/make_fixtures.py (section "correlation").

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stats_test_support.hpp"

using namespace stats_test;

namespace {

struct Ref {
  const char* method;
  const char* pair;  // "a|b"
  double value;
};

// cols = ["normal", "skewed", "ties", "before", "after", "constant"]
const Ref kCorrelation[] = {
    {"pearson", "normal|normal",
     1.0},  // pandas: df[cols].corr(method="pearson").loc["normal", "normal"]
    {"pearson", "normal|skewed",
     0.032258741117847024},  // pandas: df[cols].corr(method="pearson").loc["normal", "skewed"]
    {"pearson", "normal|ties",
     -0.02331910526241126},  // pandas: df[cols].corr(method="pearson").loc["normal", "ties"]
    {"pearson", "normal|before",
     -0.025086788294499396},  // pandas: df[cols].corr(method="pearson").loc["normal", "before"]
    {"pearson", "normal|after",
     -0.029558917475404546},  // pandas: df[cols].corr(method="pearson").loc["normal", "after"]
    {"pearson", "normal|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["normal", "constant"]
    {"pearson", "skewed|normal",
     0.032258741117847024},  // pandas: df[cols].corr(method="pearson").loc["skewed", "normal"]
    {"pearson", "skewed|skewed",
     1.0},  // pandas: df[cols].corr(method="pearson").loc["skewed", "skewed"]
    {"pearson", "skewed|ties",
     -0.010803601141252075},  // pandas: df[cols].corr(method="pearson").loc["skewed", "ties"]
    {"pearson", "skewed|before",
     0.0337241769276931},  // pandas: df[cols].corr(method="pearson").loc["skewed", "before"]
    {"pearson", "skewed|after",
     0.0351249357792913},  // pandas: df[cols].corr(method="pearson").loc["skewed", "after"]
    {"pearson", "skewed|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["skewed", "constant"]
    {"pearson", "ties|normal",
     -0.02331910526241126},  // pandas: df[cols].corr(method="pearson").loc["ties", "normal"]
    {"pearson", "ties|skewed",
     -0.010803601141252075},        // pandas: df[cols].corr(method="pearson").loc["ties", "skewed"]
    {"pearson", "ties|ties", 1.0},  // pandas: df[cols].corr(method="pearson").loc["ties", "ties"]
    {"pearson", "ties|before",
     0.06456021792071649},  // pandas: df[cols].corr(method="pearson").loc["ties", "before"]
    {"pearson", "ties|after",
     0.06743150756156319},  // pandas: df[cols].corr(method="pearson").loc["ties", "after"]
    {"pearson", "ties|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["ties", "constant"]
    {"pearson", "before|normal",
     -0.025086788294499396},  // pandas: df[cols].corr(method="pearson").loc["before", "normal"]
    {"pearson", "before|skewed",
     0.0337241769276931},  // pandas: df[cols].corr(method="pearson").loc["before", "skewed"]
    {"pearson", "before|ties",
     0.06456021792071649},  // pandas: df[cols].corr(method="pearson").loc["before", "ties"]
    {"pearson", "before|before",
     1.0},  // pandas: df[cols].corr(method="pearson").loc["before", "before"]
    {"pearson", "before|after",
     0.9491074126167649},  // pandas: df[cols].corr(method="pearson").loc["before", "after"]
    {"pearson", "before|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["before", "constant"]
    {"pearson", "after|normal",
     -0.029558917475404546},  // pandas: df[cols].corr(method="pearson").loc["after", "normal"]
    {"pearson", "after|skewed",
     0.0351249357792913},  // pandas: df[cols].corr(method="pearson").loc["after", "skewed"]
    {"pearson", "after|ties",
     0.06743150756156319},  // pandas: df[cols].corr(method="pearson").loc["after", "ties"]
    {"pearson", "after|before",
     0.9491074126167649},  // pandas: df[cols].corr(method="pearson").loc["after", "before"]
    {"pearson", "after|after",
     1.0},  // pandas: df[cols].corr(method="pearson").loc["after", "after"]
    {"pearson", "after|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["after", "constant"]
    {"pearson", "constant|normal",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "normal"]
    {"pearson", "constant|skewed",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "skewed"]
    {"pearson", "constant|ties",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "ties"]
    {"pearson", "constant|before",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "before"]
    {"pearson", "constant|after",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "after"]
    {"pearson", "constant|constant",
     kNull},  // pandas: df[cols].corr(method="pearson").loc["constant", "constant"]
    {"spearman", "normal|normal",
     1.0},  // pandas: df[cols].corr(method="spearman").loc["normal", "normal"]
    {"spearman", "normal|skewed",
     0.01702733277298293},  // pandas: df[cols].corr(method="spearman").loc["normal", "skewed"]
    {"spearman", "normal|ties",
     -0.015258273077456702},  // pandas: df[cols].corr(method="spearman").loc["normal", "ties"]
    {"spearman", "normal|before",
     -0.034465540604957254},  // pandas: df[cols].corr(method="spearman").loc["normal", "before"]
    {"spearman", "normal|after",
     -0.037082652506902326},  // pandas: df[cols].corr(method="spearman").loc["normal", "after"]
    {"spearman", "normal|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["normal", "constant"]
    {"spearman", "skewed|normal",
     0.01702733277298293},  // pandas: df[cols].corr(method="spearman").loc["skewed", "normal"]
    {"spearman", "skewed|skewed",
     1.0},  // pandas: df[cols].corr(method="spearman").loc["skewed", "skewed"]
    {"spearman", "skewed|ties",
     -0.026097935380789958},  // pandas: df[cols].corr(method="spearman").loc["skewed", "ties"]
    {"spearman", "skewed|before",
     0.06529791364806185},  // pandas: df[cols].corr(method="spearman").loc["skewed", "before"]
    {"spearman", "skewed|after",
     0.06129105198976268},  // pandas: df[cols].corr(method="spearman").loc["skewed", "after"]
    {"spearman", "skewed|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["skewed", "constant"]
    {"spearman", "ties|normal",
     -0.015258273077456702},  // pandas: df[cols].corr(method="spearman").loc["ties", "normal"]
    {"spearman", "ties|skewed",
     -0.026097935380789958},  // pandas: df[cols].corr(method="spearman").loc["ties", "skewed"]
    {"spearman", "ties|ties", 1.0},  // pandas: df[cols].corr(method="spearman").loc["ties", "ties"]
    {"spearman", "ties|before",
     0.061375725463871426},  // pandas: df[cols].corr(method="spearman").loc["ties", "before"]
    {"spearman", "ties|after",
     0.0637925300996995},  // pandas: df[cols].corr(method="spearman").loc["ties", "after"]
    {"spearman", "ties|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["ties", "constant"]
    {"spearman", "before|normal",
     -0.034465540604957254},  // pandas: df[cols].corr(method="spearman").loc["before", "normal"]
    {"spearman", "before|skewed",
     0.06529791364806185},  // pandas: df[cols].corr(method="spearman").loc["before", "skewed"]
    {"spearman", "before|ties",
     0.061375725463871426},  // pandas: df[cols].corr(method="spearman").loc["before", "ties"]
    {"spearman", "before|before",
     1.0},  // pandas: df[cols].corr(method="spearman").loc["before", "before"]
    {"spearman", "before|after",
     0.9434149137267401},  // pandas: df[cols].corr(method="spearman").loc["before", "after"]
    {"spearman", "before|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["before", "constant"]
    {"spearman", "after|normal",
     -0.037082652506902326},  // pandas: df[cols].corr(method="spearman").loc["after", "normal"]
    {"spearman", "after|skewed",
     0.06129105198976268},  // pandas: df[cols].corr(method="spearman").loc["after", "skewed"]
    {"spearman", "after|ties",
     0.0637925300996995},  // pandas: df[cols].corr(method="spearman").loc["after", "ties"]
    {"spearman", "after|before",
     0.9434149137267401},  // pandas: df[cols].corr(method="spearman").loc["after", "before"]
    {"spearman", "after|after",
     1.0},  // pandas: df[cols].corr(method="spearman").loc["after", "after"]
    {"spearman", "after|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["after", "constant"]
    {"spearman", "constant|normal",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "normal"]
    {"spearman", "constant|skewed",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "skewed"]
    {"spearman", "constant|ties",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "ties"]
    {"spearman", "constant|before",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "before"]
    {"spearman", "constant|after",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "after"]
    {"spearman", "constant|constant",
     kNull},  // pandas: df[cols].corr(method="spearman").loc["constant", "constant"]
    {"kendall", "normal|normal",
     1.0},  // pandas: df[cols].corr(method="kendall").loc["normal", "normal"]
    {"kendall", "normal|skewed",
     0.011144099462678856},  // pandas: df[cols].corr(method="kendall").loc["normal", "skewed"]
    {"kendall", "normal|ties",
     -0.011437692224251473},  // pandas: df[cols].corr(method="kendall").loc["normal", "ties"]
    {"kendall", "normal|before",
     -0.022765005658807503},  // pandas: df[cols].corr(method="kendall").loc["normal", "before"]
    {"kendall", "normal|after",
     -0.02454722830777326},  // pandas: df[cols].corr(method="kendall").loc["normal", "after"]
    {"kendall", "normal|constant",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["normal", "constant"]
    {"kendall", "skewed|normal",
     0.011144099462678856},  // pandas: df[cols].corr(method="kendall").loc["skewed", "normal"]
    {"kendall", "skewed|skewed",
     1.0},  // pandas: df[cols].corr(method="kendall").loc["skewed", "skewed"]
    {"kendall", "skewed|ties",
     -0.01921889901433388},  // pandas: df[cols].corr(method="kendall").loc["skewed", "ties"]
    {"kendall", "skewed|before",
     0.04338014909225463},  // pandas: df[cols].corr(method="kendall").loc["skewed", "before"]
    {"kendall", "skewed|after",
     0.04100972486658691},  // pandas: df[cols].corr(method="kendall").loc["skewed", "after"]
    {"kendall", "skewed|constant",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["skewed", "constant"]
    {"kendall", "ties|normal",
     -0.011437692224251473},  // pandas: df[cols].corr(method="kendall").loc["ties", "normal"]
    {"kendall", "ties|skewed",
     -0.01921889901433388},         // pandas: df[cols].corr(method="kendall").loc["ties", "skewed"]
    {"kendall", "ties|ties", 1.0},  // pandas: df[cols].corr(method="kendall").loc["ties", "ties"]
    {"kendall", "ties|before",
     0.044894766298226765},  // pandas: df[cols].corr(method="kendall").loc["ties", "before"]
    {"kendall", "ties|after",
     0.04697991003935479},  // pandas: df[cols].corr(method="kendall").loc["ties", "after"]
    {"kendall", "ties|constant",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["ties", "constant"]
    {"kendall", "before|normal",
     -0.022765005658807503},  // pandas: df[cols].corr(method="kendall").loc["before", "normal"]
    {"kendall", "before|skewed",
     0.04338014909225463},  // pandas: df[cols].corr(method="kendall").loc["before", "skewed"]
    {"kendall", "before|ties",
     0.044894766298226765},  // pandas: df[cols].corr(method="kendall").loc["before", "ties"]
    {"kendall", "before|before",
     1.0},  // pandas: df[cols].corr(method="kendall").loc["before", "before"]
    {"kendall", "before|after",
     0.7948083920373064},  // pandas: df[cols].corr(method="kendall").loc["before", "after"]
    {"kendall", "before|constant",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["before", "constant"]
    {"kendall", "after|normal",
     -0.02454722830777326},  // pandas: df[cols].corr(method="kendall").loc["after", "normal"]
    {"kendall", "after|skewed",
     0.04100972486658691},  // pandas: df[cols].corr(method="kendall").loc["after", "skewed"]
    {"kendall", "after|ties",
     0.04697991003935479},  // pandas: df[cols].corr(method="kendall").loc["after", "ties"]
    {"kendall", "after|before",
     0.7948083920373064},  // pandas: df[cols].corr(method="kendall").loc["after", "before"]
    {"kendall", "after|after",
     1.0},  // pandas: df[cols].corr(method="kendall").loc["after", "after"]
    {"kendall", "after|constant",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["after", "constant"]
    {"kendall", "constant|normal",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["constant", "normal"]
    {"kendall", "constant|skewed",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["constant", "skewed"]
    {"kendall", "constant|ties",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["constant", "ties"]
    {"kendall", "constant|before",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["constant", "before"]
    {"kendall", "constant|after",
     kNull},  // pandas: df[cols].corr(method="kendall").loc["constant", "after"]
    {"kendall", "constant|constant",
     kNull},  // scipy: stats.kendalltau(df["constant"].dropna(), df["constant"].dropna()).statistic
              // (pandas puts 1.0 on the diagonal)
    {"cov", "normal|normal", 100.21730563076565},  // pandas: df[cols].cov().loc["normal", "normal"]
    {"cov", "normal|skewed", 13.097762913590485},  // pandas: df[cols].cov().loc["normal", "skewed"]
    {"cov", "normal|ties", -0.3138778134272675},   // pandas: df[cols].cov().loc["normal", "ties"]
    {"cov", "normal|before",
     -3.7064287730981564},                        // pandas: df[cols].cov().loc["normal", "before"]
    {"cov", "normal|after", -4.666672630739882},  // pandas: df[cols].cov().loc["normal", "after"]
    {"cov", "normal|constant", 0.0},  // pandas: df[cols].cov().loc["normal", "constant"]
    {"cov", "skewed|normal", 13.097762913590485},  // pandas: df[cols].cov().loc["skewed", "normal"]
    {"cov", "skewed|skewed", 1660.9919461534298},  // pandas: df[cols].cov().loc["skewed", "skewed"]
    {"cov", "skewed|ties", -0.5827229451477608},   // pandas: df[cols].cov().loc["skewed", "ties"]
    {"cov", "skewed|before", 20.55568828251826},   // pandas: df[cols].cov().loc["skewed", "before"]
    {"cov", "skewed|after", 22.86124192179108},    // pandas: df[cols].cov().loc["skewed", "after"]
    {"cov", "skewed|constant", 0.0},  // pandas: df[cols].cov().loc["skewed", "constant"]
    {"cov", "ties|normal", -0.3138778134272675},  // pandas: df[cols].cov().loc["ties", "normal"]
    {"cov", "ties|skewed", -0.5827229451477608},  // pandas: df[cols].cov().loc["ties", "skewed"]
    {"cov", "ties|ties", 1.8001580877373915},     // pandas: df[cols].cov().loc["ties", "ties"]
    {"cov", "ties|before", 1.2793950541189005},   // pandas: df[cols].cov().loc["ties", "before"]
    {"cov", "ties|after", 1.4398764764634366},    // pandas: df[cols].cov().loc["ties", "after"]
    {"cov", "ties|constant", 0.0},                // pandas: df[cols].cov().loc["ties", "constant"]
    {"cov", "before|normal",
     -3.7064287730981564},                        // pandas: df[cols].cov().loc["before", "normal"]
    {"cov", "before|skewed", 20.55568828251826},  // pandas: df[cols].cov().loc["before", "skewed"]
    {"cov", "before|ties", 1.2793950541189005},   // pandas: df[cols].cov().loc["before", "ties"]
    {"cov", "before|before", 219.8877408971928},  // pandas: df[cols].cov().loc["before", "before"]
    {"cov", "before|after", 223.25568725311916},  // pandas: df[cols].cov().loc["before", "after"]
    {"cov", "before|constant", 0.0},  // pandas: df[cols].cov().loc["before", "constant"]
    {"cov", "after|normal", -4.666672630739882},  // pandas: df[cols].cov().loc["after", "normal"]
    {"cov", "after|skewed", 22.86124192179108},   // pandas: df[cols].cov().loc["after", "skewed"]
    {"cov", "after|ties", 1.4398764764634366},    // pandas: df[cols].cov().loc["after", "ties"]
    {"cov", "after|before", 223.25568725311916},  // pandas: df[cols].cov().loc["after", "before"]
    {"cov", "after|after", 252.12636616065876},   // pandas: df[cols].cov().loc["after", "after"]
    {"cov", "after|constant", 0.0},               // pandas: df[cols].cov().loc["after", "constant"]
    {"cov", "constant|normal", 0.0},    // pandas: df[cols].cov().loc["constant", "normal"]
    {"cov", "constant|skewed", 0.0},    // pandas: df[cols].cov().loc["constant", "skewed"]
    {"cov", "constant|ties", 0.0},      // pandas: df[cols].cov().loc["constant", "ties"]
    {"cov", "constant|before", 0.0},    // pandas: df[cols].cov().loc["constant", "before"]
    {"cov", "constant|after", 0.0},     // pandas: df[cols].cov().loc["constant", "after"]
    {"cov", "constant|constant", 0.0},  // pandas: df[cols].cov().loc["constant", "constant"]
    {"n", "normal|normal", 1900},  // pandas: (df["normal"].notna() & df["normal"].notna()).sum()
    {"n", "normal|skewed", 1843},  // pandas: (df["normal"].notna() & df["skewed"].notna()).sum()
    {"n", "normal|ties", 1860},    // pandas: (df["normal"].notna() & df["ties"].notna()).sum()
    {"n", "normal|before", 1862},  // pandas: (df["normal"].notna() & df["before"].notna()).sum()
    {"n", "normal|after", 1862},   // pandas: (df["normal"].notna() & df["after"].notna()).sum()
    {"n", "normal|constant",
     1900},                        // pandas: (df["normal"].notna() & df["constant"].notna()).sum()
    {"n", "skewed|normal", 1843},  // pandas: (df["skewed"].notna() & df["normal"].notna()).sum()
    {"n", "skewed|skewed", 1940},  // pandas: (df["skewed"].notna() & df["skewed"].notna()).sum()
    {"n", "skewed|ties", 1903},    // pandas: (df["skewed"].notna() & df["ties"].notna()).sum()
    {"n", "skewed|before", 1902},  // pandas: (df["skewed"].notna() & df["before"].notna()).sum()
    {"n", "skewed|after", 1901},   // pandas: (df["skewed"].notna() & df["after"].notna()).sum()
    {"n", "skewed|constant",
     1940},                        // pandas: (df["skewed"].notna() & df["constant"].notna()).sum()
    {"n", "ties|normal", 1860},    // pandas: (df["ties"].notna() & df["normal"].notna()).sum()
    {"n", "ties|skewed", 1903},    // pandas: (df["ties"].notna() & df["skewed"].notna()).sum()
    {"n", "ties|ties", 1960},      // pandas: (df["ties"].notna() & df["ties"].notna()).sum()
    {"n", "ties|before", 1920},    // pandas: (df["ties"].notna() & df["before"].notna()).sum()
    {"n", "ties|after", 1920},     // pandas: (df["ties"].notna() & df["after"].notna()).sum()
    {"n", "ties|constant", 1960},  // pandas: (df["ties"].notna() & df["constant"].notna()).sum()
    {"n", "before|normal", 1862},  // pandas: (df["before"].notna() & df["normal"].notna()).sum()
    {"n", "before|skewed", 1902},  // pandas: (df["before"].notna() & df["skewed"].notna()).sum()
    {"n", "before|ties", 1920},    // pandas: (df["before"].notna() & df["ties"].notna()).sum()
    {"n", "before|before", 1960},  // pandas: (df["before"].notna() & df["before"].notna()).sum()
    {"n", "before|after", 1921},   // pandas: (df["before"].notna() & df["after"].notna()).sum()
    {"n", "before|constant",
     1960},                         // pandas: (df["before"].notna() & df["constant"].notna()).sum()
    {"n", "after|normal", 1862},    // pandas: (df["after"].notna() & df["normal"].notna()).sum()
    {"n", "after|skewed", 1901},    // pandas: (df["after"].notna() & df["skewed"].notna()).sum()
    {"n", "after|ties", 1920},      // pandas: (df["after"].notna() & df["ties"].notna()).sum()
    {"n", "after|before", 1921},    // pandas: (df["after"].notna() & df["before"].notna()).sum()
    {"n", "after|after", 1960},     // pandas: (df["after"].notna() & df["after"].notna()).sum()
    {"n", "after|constant", 1960},  // pandas: (df["after"].notna() & df["constant"].notna()).sum()
    {"n", "constant|normal",
     1900},  // pandas: (df["constant"].notna() & df["normal"].notna()).sum()
    {"n", "constant|skewed",
     1940},                        // pandas: (df["constant"].notna() & df["skewed"].notna()).sum()
    {"n", "constant|ties", 1960},  // pandas: (df["constant"].notna() & df["ties"].notna()).sum()
    {"n", "constant|before",
     1960},                         // pandas: (df["constant"].notna() & df["before"].notna()).sum()
    {"n", "constant|after", 1960},  // pandas: (df["constant"].notna() & df["after"].notna()).sum()
    {"n", "constant|constant",
     2000},  // pandas: (df["constant"].notna() & df["constant"].notna()).sum()
};

const std::vector<std::string> kColumns = {"normal", "skewed", "ties",
                                           "before", "after",  "constant"};

json all_methods() {
  return {{"columns", kColumns}, {"methods", {"pearson", "spearman", "kendall", "covariance"}}};
}

std::size_t index_of(const std::string& name) {
  return static_cast<std::size_t>(std::find(kColumns.begin(), kColumns.end(), name) -
                                  kColumns.begin());
}

void check_references(const json& data) {
  for (const Ref& ref : kCorrelation) {
    const std::string pair = ref.pair;
    const std::size_t bar = pair.find('|');
    const std::size_t i = index_of(pair.substr(0, bar));
    const std::size_t j = index_of(pair.substr(bar + 1));
    const std::string method = ref.method;
    SCOPED_TRACE(method + " " + pair);
    if (method == "n") {
      EXPECT_EQ(data.at("n").at(i).at(j), ref.value);
    } else {
      const std::string key = method == "cov" ? "covariance" : method;
      EXPECT_TRUE(near_rel(data.at(key).at(i).at(j), ref.value));
    }
  }
}

}  // namespace

TEST(StatsCorrelation, MatchesPandasOnTheFixture) {
  const Outcome out = run_ok("stats_correlation", all_methods(), fixture());
  ASSERT_EQ(out.status, QUARRY_OK);
  check_references(out.data());
}

TEST(StatsCorrelation, SameResultsForAnyChunkingAndMergeOrder) {
  const Outcome whole = run_ok("stats_correlation", all_methods(), fixture());
  for (const RunOptions& split : splits(fixture().rows)) {
    SCOPED_TRACE("chunk_rows " + std::to_string(split.chunk_rows) + ", instances " +
                 std::to_string(split.instances));
    const Outcome parts = run_ok("stats_correlation", all_methods(), fixture(), split);
    ASSERT_EQ(parts.status, QUARRY_OK);
    EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-9));
    check_references(parts.data());
  }
}

TEST(StatsCorrelation, ConstantColumnIsNullWithAReason) {
  const Outcome out = run_ok("stats_correlation", all_methods(), fixture());
  const std::size_t c = index_of("constant");
  EXPECT_TRUE(out.data().at("pearson").at(0).at(c).is_null());
  EXPECT_TRUE(out.data().at("spearman").at(c).at(c).is_null());
  EXPECT_TRUE(out.data().at("kendall").at(c).at(c).is_null());  // pandas: 1.0, scipy: nan
  EXPECT_EQ(out.data().at("covariance").at(0).at(c), 0.0);
  bool found = false;
  for (const auto& u : out.data().at("undefined")) {
    if (u.at("columns") == json({"normal", "constant"})) {
      found = true;
      EXPECT_NE(u.at("reason").get<std::string>().find("'constant' is constant"),
                std::string::npos);
      EXPECT_EQ(u.at("methods"), json({"pearson", "spearman", "kendall"}));
    }
  }
  EXPECT_TRUE(found) << out.data().at("undefined").dump();
  EXPECT_NE(out.text().find("undefined: normal x constant"), std::string::npos);
}

TEST(StatsCorrelation, HugeOffsetsDoNotLoseDigits) {
  // corr(x + 1e15, y) == corr(x, y): the shift keeps the digits.
  std::vector<double> x, shifted, y;
  for (int i = 0; i < 1000; ++i) {
    x.push_back(static_cast<double>((i * 37) % 101) / 8.0);
    shifted.push_back(1e15 + x.back());
    y.push_back(static_cast<double>((i * 53) % 97) + x.back());
  }
  const Table t =
      make_table({float_column("x", x), float_column("s", shifted), float_column("y", y)});
  const Outcome out = run_ok("stats_correlation", {{"columns", {"x", "s", "y"}}}, t,
                             {7, 3, MergeOrder::tree, 0, 0});
  const json& r = out.data().at("pearson");
  EXPECT_TRUE(near_rel(r[1][2], r[0][2].get<double>(), 1e-12));
  EXPECT_TRUE(near_rel(out.data().at("covariance")[1][1],
                       out.data().at("covariance")[0][0].get<double>(), 1e-12));
}

// Values near 1e-300: their squared deviations underflow, so Pearson's r is null, but their
// ranks differ, so Spearman is given and not listed as undefined (scipy.stats.spearmanr of
// [1, 2, 3, 4, 5] and [1e-300, 3e-300, 2e-300, 5e-300, 4e-300] is 0.7999999999999999); a constant
// column leaves both undefined.
TEST(StatsCorrelation, UnderflowingSpreadsKeepTheirRanksAndAreNotCalledConstant) {
  const Table t = make_table({float_column("id", {1, 2, 3, 4, 5}),
                              float_column("tiny", {1e-300, 3e-300, 2e-300, 5e-300, 4e-300}),
                              float_column("flat", {2, 2, 2, 2, 2})});
  const Outcome out =
      run_ok("stats_correlation",
             {{"columns", {"id", "tiny", "flat"}}, {"methods", {"pearson", "spearman"}}}, t);
  EXPECT_TRUE(out.data().at("pearson")[0][1].is_null());
  EXPECT_TRUE(near_rel(out.data().at("spearman")[0][1], 0.8, 1e-12));
  const json& undefined = out.data().at("undefined");
  const auto entry = [&](const char* a, const char* b) {
    for (const auto& u : undefined) {
      if (u.at("columns") == json::array({a, b})) return u;
    }
    return json();
  };
  EXPECT_EQ(entry("id", "tiny").at("methods"), json::array({"pearson"}));
  EXPECT_NE(entry("id", "tiny").at("reason").get<std::string>().find("underflow"),
            std::string::npos);
  EXPECT_EQ(entry("id", "flat").at("methods"), json::array({"pearson", "spearman"}));
  EXPECT_NE(entry("id", "flat").at("reason").get<std::string>().find("is constant"),
            std::string::npos);
}

// Pearson's r of a column whose squared deviations overflow is null with the reason (pandas
// returns -0.0 for np.corrcoef's r here; the exact r, after rescaling, is -0.35355), while
// Spearman, on ranks, is still given.
TEST(StatsCorrelation, OverflowingSumsGiveNullWithTheReasonNotMinusZero) {
  const Table t = make_table({float_column("id", {1, 2, 3, 4, 5}),
                              float_column("huge", {1e300, 2e300, 3e300, -1e308, 5e300})});
  const Outcome out = run_ok(
      "stats_correlation", {{"columns", {"id", "huge"}}, {"methods", {"pearson", "spearman"}}}, t);
  EXPECT_TRUE(out.data().at("pearson")[0][1].is_null());
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], huge).statistic = 0.39999999999999997
  EXPECT_TRUE(near_rel(out.data().at("spearman")[0][1], 0.39999999999999997, 1e-12));
  const std::string undefined = out.data().at("undefined").dump();
  EXPECT_NE(undefined.find("column 'huge' has values so far apart"), std::string::npos)
      << undefined;
}

TEST(StatsCorrelation, EveryNullEntryIsListedAsUndefinedForItsMethod) {
  // Squared deviations of 'huge' overflow, so its covariances are null as well as Pearson's r.
  const Table t = make_table({float_column("id", {1, 2, 3, 4, 5}),
                              float_column("huge", {1e300, 2e300, 3e300, -1e308, 5e300})});
  const Outcome out =
      run_ok("stats_correlation",
             {{"columns", {"id", "huge"}}, {"methods", {"pearson", "covariance", "spearman"}}}, t);
  const json& undefined = out.data().at("undefined");
  const auto listed = [&](std::size_t i, std::size_t j, const std::string& method) {
    const json names = {out.data().at("columns")[i], out.data().at("columns")[j]};
    for (const auto& u : undefined) {
      if (u.at("columns") != names) continue;
      for (const auto& m : u.at("methods")) {
        if (m == method) return true;
      }
    }
    return false;
  };
  int nulls = 0;
  for (const std::string method : {"pearson", "covariance", "spearman"}) {
    const json& m = out.data().at(method);
    for (std::size_t i = 0; i < m.size(); ++i) {
      for (std::size_t j = i; j < m.size(); ++j) {
        if (!m[i][j].is_null()) continue;
        ++nulls;
        EXPECT_TRUE(listed(i, j, method)) << method << " " << i << "," << j << ": " << undefined;
      }
    }
  }
  EXPECT_GE(nulls, 2) << out.data();  // at least pearson and covariance of (huge, huge)
}

TEST(StatsCorrelation, SpearmanPastTheBudgetIsRefusedNamingIt) {
  const Outcome out =
      run("stats_correlation", all_methods(), fixture(), {100, 2, MergeOrder::left, 0, 64 * 1024});
  EXPECT_EQ(out.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(out.error.find("Spearman"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("memory budget"), std::string::npos) << out.error;
  // Pearson alone streams within the same budget.
  const Outcome pearson = run_ok("stats_correlation", {{"columns", kColumns}}, fixture(),
                                 {100, 2, MergeOrder::left, 0, 64 * 1024});
  EXPECT_EQ(pearson.status, QUARRY_OK);
}

TEST(StatsCorrelation, TextColumnsAreParsedAndFailuresCounted) {
  const Outcome out = run("stats_correlation", {{"columns", {"normal", "text_num"}}}, fixture());
  EXPECT_EQ(out.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(out.error.find("column 'text_num' holds text, not numbers: 7 of 2000 non-null values"),
            std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("(e.g. \"n/a?\", \"--\", \"?\")"), std::string::npos) << out.error;
  const Outcome skipped =
      run_ok("stats_correlation", {{"columns", {"normal", "text_num"}}, {"non_numeric", "skip"}},
             fixture());
  EXPECT_EQ(skipped.data().at("n")[1][1], 1993);
  EXPECT_NE(skipped.data().at("notes").dump().find("7 text values"), std::string::npos);
}

TEST(StatsCorrelation, BadColumnsAreNamed) {
  const Outcome missing = run("stats_correlation", {{"columns", {"normal", "missing"}}}, fixture());
  EXPECT_EQ(missing.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(missing.error.find("no column named 'missing'"), std::string::npos);
  EXPECT_NE(missing.error.find("available columns: id (int64)"), std::string::npos)
      << missing.error;
  const Table t =
      make_table({text_column("s", {"a"}), TextColumn{"t", {"0"}, sdk::ColumnType::timestamp}});
  const Outcome none = run("stats_correlation", json::object(), t);
  EXPECT_EQ(none.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(none.error.find("no numeric columns"), std::string::npos) << none.error;
  const Outcome ts = run("stats_correlation", {{"columns", {"t"}}}, t);
  EXPECT_NE(ts.error.find("has type timestamp, but this tool needs numbers"), std::string::npos)
      << ts.error;
}

TEST(StatsCorrelation, ZeroAndOneRow) {
  const Table empty = make_table({float_column("a", {}), float_column("b", {})});
  const Outcome none =
      run_ok("stats_correlation", {{"methods", {"pearson", "spearman", "covariance"}}}, empty);
  EXPECT_TRUE(none.data().at("pearson")[0][1].is_null());
  EXPECT_EQ(none.data().at("n")[0][1], 0);
  EXPECT_EQ(none.data().at("undefined")[0].at("methods"),
            json({"pearson", "covariance", "spearman"}));
  const Table one = make_table({float_column("a", {1}), float_column("b", {2})});
  const Outcome single = run_ok("stats_correlation", json::object(), one);
  EXPECT_TRUE(single.data().at("covariance")[0][1].is_null());
  EXPECT_NE(single.data().at("undefined").dump().find("1 row(s)"), std::string::npos);
}

TEST(StatsCorrelation, KendallPastTheBudgetIsRefusedNamingIt) {
  const Outcome out = run("stats_correlation", {{"columns", kColumns}, {"methods", {"kendall"}}},
                          fixture(), {100, 2, MergeOrder::left, 0, 64 * 1024});
  EXPECT_EQ(out.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(out.error.find("Kendall correlation ranks every value"), std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("memory budget"), std::string::npos) << out.error;
}

TEST(StatsCorrelation, KendallOnSmallTablesWithTiesAndGaps) {
  // scipy.stats.kendalltau([1, 2, 2, 3, 4, 4], [1, 3, 2, 2, 5, 5]).statistic =
  // 0.7692307692307694 (tau-b = (C - D) / 13 = 10 / 13: 15 pairs, 2 tied in x, 2 in y, 1 in
  // both, 1 discordant); the rows with a NaN on either side are left out first.
  const Table t = make_table({float_column("x", {1, 2, kNull, 2, 3, 4, 4, 9}),
                              float_column("y", {1, 3, 7, 2, 2, 5, 5, kNull}),
                              float_column("c", {5, 5, 5, 5, 5, 5, 5, 5})});
  for (const RunOptions& split : splits(t.rows)) {
    const Outcome out = run_ok("stats_correlation", {{"methods", {"kendall"}}}, t, split);
    const json& k = out.data().at("kendall");
    EXPECT_TRUE(near_rel(k[0][1], 0.7692307692307694, 1e-15)) << k.dump();
    EXPECT_TRUE(near_rel(k[1][0], 0.7692307692307694, 1e-15));
    EXPECT_EQ(k[0][0], 1.0);
    EXPECT_TRUE(k[0][2].is_null());  // a constant column: scipy nan
    EXPECT_EQ(out.data().at("n")[0][1], 6);
  }
  const Table empty = make_table({float_column("a", {}), float_column("b", {})});
  const Outcome none = run_ok("stats_correlation", {{"methods", {"kendall"}}}, empty);
  EXPECT_TRUE(none.data().at("kendall")[0][1].is_null());
  EXPECT_EQ(none.data().at("undefined")[0].at("methods"), json({"kendall"}));
  const Table one = make_table({float_column("a", {1}), float_column("b", {2})});
  const Outcome single = run_ok("stats_correlation", {{"methods", {"kendall"}}}, one);
  EXPECT_TRUE(single.data().at("kendall")[0][1].is_null());
  EXPECT_NE(single.text().find("kendall"), std::string::npos) << single.text();
}
