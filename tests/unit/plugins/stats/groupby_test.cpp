// stats_groupby against pandas 1.5.3 (single and multi-key, count/sum/mean/std/min/max/
// median, nunique/first/last on numbers and text), exact references for the 1e15-offset
// column, merge correctness, the group-table and nunique budgets, dropna and sorting.
// Reference values: make_fixtures.py (sections "groupby", "groupby: nunique, first, last" and
// "groupby: text value columns").

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stats_test_support.hpp"

using namespace stats_test;

namespace {

struct Ref {
  const char* group;  // "k1=v1,k2=v2"
  const char* key;    // "value.aggregation" or "rows"
  double value;
};

const Ref kGroupBy[] = {
    {"category=alpha", "normal.count",
     728},  // pandas: df.groupby("category")["normal"].agg('count')["alpha"]
    {"category=alpha", "normal.sum",
     35882.0614},  // pandas: df.groupby("category")["normal"].agg('sum')["alpha"]
    {"category=alpha", "normal.mean",
     49.288545879120875},  // pandas: df.groupby("category")["normal"].agg('mean')["alpha"]
    {"category=alpha", "normal.std",
     10.07561804918166},  // pandas: df.groupby("category")["normal"].agg('std')["alpha"]
    {"category=alpha", "normal.min",
     22.8934},  // pandas: df.groupby("category")["normal"].agg('min')["alpha"]
    {"category=alpha", "normal.max",
     80.1036},  // pandas: df.groupby("category")["normal"].agg('max')["alpha"]
    {"category=alpha", "normal.median",
     49.482150000000004},  // pandas: df.groupby("category")["normal"].agg('median')["alpha"]
    {"category=beta", "normal.count",
     543},  // pandas: df.groupby("category")["normal"].agg('count')["beta"]
    {"category=beta", "normal.sum",
     27181.229},  // pandas: df.groupby("category")["normal"].agg('sum')["beta"]
    {"category=beta", "normal.mean",
     50.057511970534065},  // pandas: df.groupby("category")["normal"].agg('mean')["beta"]
    {"category=beta", "normal.std",
     10.11464866325714},  // pandas: df.groupby("category")["normal"].agg('std')["beta"]
    {"category=beta", "normal.min",
     10.7806},  // pandas: df.groupby("category")["normal"].agg('min')["beta"]
    {"category=beta", "normal.max",
     76.3494},  // pandas: df.groupby("category")["normal"].agg('max')["beta"]
    {"category=beta", "normal.median",
     50.6525},  // pandas: df.groupby("category")["normal"].agg('median')["beta"]
    {"category=delta", "normal.count",
     201},  // pandas: df.groupby("category")["normal"].agg('count')["delta"]
    {"category=delta", "normal.sum",
     9900.1571},  // pandas: df.groupby("category")["normal"].agg('sum')["delta"]
    {"category=delta", "normal.mean",
     49.25451293532338},  // pandas: df.groupby("category")["normal"].agg('mean')["delta"]
    {"category=delta", "normal.std",
     9.952876098964152},  // pandas: df.groupby("category")["normal"].agg('std')["delta"]
    {"category=delta", "normal.min",
     22.0354},  // pandas: df.groupby("category")["normal"].agg('min')["delta"]
    {"category=delta", "normal.max",
     72.8449},  // pandas: df.groupby("category")["normal"].agg('max')["delta"]
    {"category=delta", "normal.median",
     49.6163},  // pandas: df.groupby("category")["normal"].agg('median')["delta"]
    {"category=gamma", "normal.count",
     389},  // pandas: df.groupby("category")["normal"].agg('count')["gamma"]
    {"category=gamma", "normal.sum",
     19355.0284},  // pandas: df.groupby("category")["normal"].agg('sum')["gamma"]
    {"category=gamma", "normal.mean",
     49.75585706940874},  // pandas: df.groupby("category")["normal"].agg('mean')["gamma"]
    {"category=gamma", "normal.std",
     9.837202446901369},  // pandas: df.groupby("category")["normal"].agg('std')["gamma"]
    {"category=gamma", "normal.min",
     20.5541},  // pandas: df.groupby("category")["normal"].agg('min')["gamma"]
    {"category=gamma", "normal.max",
     81.8531},  // pandas: df.groupby("category")["normal"].agg('max')["gamma"]
    {"category=gamma", "normal.median",
     50.5944},  // pandas: df.groupby("category")["normal"].agg('median')["gamma"]
    {"category=alpha", "rows", 758},  // pandas: df.groupby("category").size()["alpha"]
    {"category=beta", "rows", 579},   // pandas: df.groupby("category").size()["beta"]
    {"category=delta", "rows", 214},  // pandas: df.groupby("category").size()["delta"]
    {"category=gamma", "rows", 409},  // pandas: df.groupby("category").size()["gamma"]
    {"category=alpha,group2=A", "skewed.count",
     416},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("alpha", "A")]
    {"category=alpha,group2=A", "skewed.mean",
     32.329333173076925},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('mean')[("alpha", "A")]
    {"category=alpha,group2=A", "skewed.std",
     38.704310703587176},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('std')[("alpha", "A")]
    {"category=alpha,group2=A", "skewed.median",
     20.03955},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("alpha",
                 // "A")]
    {"category=alpha,group2=B", "skewed.count",
     320},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("alpha", "B")]
    {"category=alpha,group2=B", "skewed.mean",
     32.58366375},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('mean')[("alpha",
                    // "B")]
    {"category=alpha,group2=B", "skewed.std",
     38.07641924742287},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('std')[("alpha", "B")]
    {"category=alpha,group2=B", "skewed.median",
     22.71615},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("alpha",
                 // "B")]
    {"category=beta,group2=A", "skewed.count",
     314},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("beta", "A")]
    {"category=beta,group2=A", "skewed.mean",
     35.98767834394904},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('mean')[("beta", "A")]
    {"category=beta,group2=A", "skewed.std",
     49.097605522392186},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('std')[("beta", "A")]
    {"category=beta,group2=A", "skewed.median",
     20.90345},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("beta",
                 // "A")]
    {"category=beta,group2=B", "skewed.count",
     246},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("beta", "B")]
    {"category=beta,group2=B", "skewed.mean",
     28.91500162601626},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('mean')[("beta", "B")]
    {"category=beta,group2=B", "skewed.std",
     35.333447963742906},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('std')[("beta", "B")]
    {"category=beta,group2=B", "skewed.median",
     18.7242},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("beta", "B")]
    {"category=delta,group2=A", "skewed.count",
     126},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("delta", "A")]
    {"category=delta,group2=A", "skewed.mean",
     27.263584126984128},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('mean')[("delta", "A")]
    {"category=delta,group2=A", "skewed.std",
     32.06576859146193},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('std')[("delta", "A")]
    {"category=delta,group2=A", "skewed.median",
     17.8444},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("delta",
                // "A")]
    {"category=delta,group2=B", "skewed.count",
     81},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("delta", "B")]
    {"category=delta,group2=B", "skewed.mean",
     25.893253086419755},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('mean')[("delta", "B")]
    {"category=delta,group2=B", "skewed.std",
     26.34308866205748},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('std')[("delta", "B")]
    {"category=delta,group2=B", "skewed.median",
     18.3013},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("delta",
                // "B")]
    {"category=gamma,group2=A", "skewed.count",
     218},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("gamma", "A")]
    {"category=gamma,group2=A", "skewed.mean",
     32.63294311926605},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('mean')[("gamma", "A")]
    {"category=gamma,group2=A", "skewed.std",
     37.88099084843043},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('std')[("gamma", "A")]
    {"category=gamma,group2=A", "skewed.median",
     19.252299999999998},  // pandas: df.groupby(["category",
                           // "group2"])["skewed"].agg('median')[("gamma", "A")]
    {"category=gamma,group2=B", "skewed.count",
     179},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('count')[("gamma", "B")]
    {"category=gamma,group2=B", "skewed.mean",
     34.57175139664805},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('mean')[("gamma", "B")]
    {"category=gamma,group2=B", "skewed.std",
     54.88863266198465},  // pandas: df.groupby(["category",
                          // "group2"])["skewed"].agg('std')[("gamma", "B")]
    {"category=gamma,group2=B", "skewed.median",
     21.0901},  // pandas: df.groupby(["category", "group2"])["skewed"].agg('median')[("gamma",
                // "B")]
    {"ties=0", "huge.count", 63},  // pandas: df.groupby("ties")["huge"].count()[0]
    {"ties=0", "huge.mean",
     1000000000009737.5},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 0
    {"ties=0", "huge.std",
     10085.784909172264},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 0;
                           // pandas .std() = 10085.784910036109
    {"ties=1", "huge.count", 305},  // pandas: df.groupby("ties")["huge"].count()[1]
    {"ties=1", "huge.mean",
     1000000000010376.0},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 1
    {"ties=1", "huge.std",
     10969.792060803517},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 1;
                           // pandas .std() = 10969.792060843334
    {"ties=2", "huge.count", 512},  // pandas: df.groupby("ties")["huge"].count()[2]
    {"ties=2", "huge.mean",
     1000000000010756.4},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 2
    {"ties=2", "huge.std",
     11189.824339212248},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 2;
                           // pandas .std() = 11189.824340016552
    {"ties=3", "huge.count", 529},  // pandas: df.groupby("ties")["huge"].count()[3]
    {"ties=3", "huge.mean",
     1000000000009637.5},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 3
    {"ties=3", "huge.std",
     10156.044152550592},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 3;
                           // pandas .std() = 10156.044152645873
    {"ties=4", "huge.count", 357},  // pandas: df.groupby("ties")["huge"].count()[4]
    {"ties=4", "huge.mean",
     1000000000010339.0},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 4
    {"ties=4", "huge.std",
     9839.211777683986},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 4;
                          // pandas .std() = 9839.2117777912
    {"ties=5", "huge.count", 153},  // pandas: df.groupby("ties")["huge"].count()[5]
    {"ties=5", "huge.mean",
     1000000000009792.8},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 5
    {"ties=5", "huge.std",
     10931.542881061692},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 5;
                           // pandas .std() = 10931.542881475207
    {"ties=6", "huge.count", 37},  // pandas: df.groupby("ties")["huge"].count()[6]
    {"ties=6", "huge.mean",
     1000000000010245.0},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 6
    {"ties=6", "huge.std",
     11971.870871655008},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 6;
                           // pandas .std() = 11971.870873538255
    {"ties=7", "huge.count", 4},  // pandas: df.groupby("ties")["huge"].count()[7]
    {"ties=7", "huge.mean",
     1000000000011099.4},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 7
    {"ties=7", "huge.std",
     14339.766983302645},  // exact (fractions.Fraction) over df.groupby("ties")["huge"] group 7;
                           // pandas .std() = 14339.766983302645
    {"group2=A", "ties.sum", 3062.0},  // pandas: df.groupby("group2")["ties"].sum()["A"]
    {"group2=B", "ties.sum", 2297.0},  // pandas: df.groupby("group2")["ties"].sum()["B"]
};

// make_fixtures.py, section "groupby: nunique, first, last" and the counts of "groupby: text
// value columns".
const Ref kDistinctAndEnds[] = {
    {"category=alpha", "normal.count",
     728},  // pandas: df.groupby("category")["normal"].count()["alpha"]
    {"category=beta", "normal.count",
     543},  // pandas: df.groupby("category")["normal"].count()["beta"]
    {"category=delta", "normal.count",
     201},  // pandas: df.groupby("category")["normal"].count()["delta"]
    {"category=gamma", "normal.count",
     389},  // pandas: df.groupby("category")["normal"].count()["gamma"]
    {"category=alpha", "normal.nunique",
     728},  // pandas: df.groupby("category")["normal"].nunique()["alpha"]
    {"category=beta", "normal.nunique",
     543},  // pandas: df.groupby("category")["normal"].nunique()["beta"]
    {"category=delta", "normal.nunique",
     201},  // pandas: df.groupby("category")["normal"].nunique()["delta"]
    {"category=gamma", "normal.nunique",
     389},  // pandas: df.groupby("category")["normal"].nunique()["gamma"]
    {"category=alpha", "normal.first",
     50.4553},  // pandas: df.groupby("category")["normal"].first()["alpha"]
    {"category=beta", "normal.first",
     56.3996},  // pandas: df.groupby("category")["normal"].first()["beta"]
    {"category=delta", "normal.first",
     40.4433},  // pandas: df.groupby("category")["normal"].first()["delta"]
    {"category=gamma", "normal.first",
     41.0268},  // pandas: df.groupby("category")["normal"].first()["gamma"]
    {"category=alpha", "normal.last",
     47.0291},  // pandas: df.groupby("category")["normal"].last()["alpha"]
    {"category=beta", "normal.last",
     52.1144},  // pandas: df.groupby("category")["normal"].last()["beta"]
    {"category=delta", "normal.last",
     39.2383},  // pandas: df.groupby("category")["normal"].last()["delta"]
    {"category=gamma", "normal.last",
     43.6521},  // pandas: df.groupby("category")["normal"].last()["gamma"]
    {"category=alpha", "ties.count",
     738},  // pandas: df.groupby("category")["ties"].count()["alpha"]
    {"category=beta", "ties.count", 569},  // pandas: df.groupby("category")["ties"].count()["beta"]
    {"category=delta", "ties.count",
     210},  // pandas: df.groupby("category")["ties"].count()["delta"]
    {"category=gamma", "ties.count",
     403},  // pandas: df.groupby("category")["ties"].count()["gamma"]
    {"category=alpha", "ties.nunique",
     8},  // pandas: df.groupby("category")["ties"].nunique()["alpha"]
    {"category=beta", "ties.nunique",
     8},  // pandas: df.groupby("category")["ties"].nunique()["beta"]
    {"category=delta", "ties.nunique",
     8},  // pandas: df.groupby("category")["ties"].nunique()["delta"]
    {"category=gamma", "ties.nunique",
     7},  // pandas: df.groupby("category")["ties"].nunique()["gamma"]
    {"category=alpha", "ties.first",
     3.0},  // pandas: df.groupby("category")["ties"].first()["alpha"]
    {"category=beta", "ties.first", 2.0},  // pandas: df.groupby("category")["ties"].first()["beta"]
    {"category=delta", "ties.first",
     5.0},  // pandas: df.groupby("category")["ties"].first()["delta"]
    {"category=gamma", "ties.first",
     2.0},  // pandas: df.groupby("category")["ties"].first()["gamma"]
    {"category=alpha", "ties.last", 3.0},  // pandas: df.groupby("category")["ties"].last()["alpha"]
    {"category=beta", "ties.last", 2.0},   // pandas: df.groupby("category")["ties"].last()["beta"]
    {"category=delta", "ties.last", 3.0},  // pandas: df.groupby("category")["ties"].last()["delta"]
    {"category=gamma", "ties.last", 4.0},  // pandas: df.groupby("category")["ties"].last()["gamma"]
    {"category=alpha", "flag.nunique",
     2},  // pandas: df.groupby("category")["flag"].nunique()["alpha"]
    {"category=beta", "flag.nunique",
     2},  // pandas: df.groupby("category")["flag"].nunique()["beta"]
    {"category=delta", "flag.nunique",
     2},  // pandas: df.groupby("category")["flag"].nunique()["delta"]
    {"category=gamma", "flag.nunique",
     2},  // pandas: df.groupby("category")["flag"].nunique()["gamma"]
    {"category=alpha,group2=A", "ties.nunique",
     7},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("alpha", "A")]
    {"category=alpha,group2=B", "ties.nunique",
     8},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("alpha", "B")]
    {"category=beta,group2=A", "ties.nunique",
     8},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("beta", "A")]
    {"category=beta,group2=B", "ties.nunique",
     7},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("beta", "B")]
    {"category=delta,group2=A", "ties.nunique",
     8},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("delta", "A")]
    {"category=delta,group2=B", "ties.nunique",
     7},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("delta", "B")]
    {"category=gamma,group2=A", "ties.nunique",
     7},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("gamma", "A")]
    {"category=gamma,group2=B", "ties.nunique",
     7},  // pandas: df.groupby(["category", "group2"])["ties"].nunique()[("gamma", "B")]
    {"group2=A", "category.count", 1107},  // pandas: df.groupby("group2")["category"].count()["A"]
    {"group2=B", "category.count", 853},   // pandas: df.groupby("group2")["category"].count()["B"]
    {"group2=A", "category.nunique", 4},  // pandas: df.groupby("group2")["category"].nunique()["A"]
    {"group2=B", "category.nunique", 4},  // pandas: df.groupby("group2")["category"].nunique()["B"]
    {"group2=A", "text_num.count", 1129},  // pandas: df.groupby("group2")["text_num"].count()["A"]
    {"group2=B", "text_num.count", 871},   // pandas: df.groupby("group2")["text_num"].count()["B"]
    {"group2=A", "text_num.nunique",
     105},  // pandas: df.groupby("group2")["text_num"].nunique()["A"]
    {"group2=B", "text_num.nunique",
     102},  // pandas: df.groupby("group2")["text_num"].nunique()["B"]
};

//! A reference that is text (first/last of a text column).
struct TextRef {
  const char* group;
  const char* key;
  const char* text;
};

// make_fixtures.py, section "groupby: text value columns", text references.
const TextRef kTextRefs[] = {
    {"group2=A", "category.first",
     "delta"},  // pandas: df.groupby("group2")["category"].first()["A"]
    {"group2=B", "category.first",
     "alpha"},                              // pandas: df.groupby("group2")["category"].first()["B"]
    {"group2=A", "category.last", "beta"},  // pandas: df.groupby("group2")["category"].last()["A"]
    {"group2=B", "category.last", "alpha"},  // pandas: df.groupby("group2")["category"].last()["B"]
    {"group2=A", "text_num.first", "62"},  // pandas: df.groupby("group2")["text_num"].first()["A"]
    {"group2=B", "text_num.first", "58"},  // pandas: df.groupby("group2")["text_num"].first()["B"]
    {"group2=A", "text_num.last", "96"},   // pandas: df.groupby("group2")["text_num"].last()["A"]
    {"group2=B", "text_num.last", "12"},   // pandas: df.groupby("group2")["text_num"].last()["B"]
};

struct Query {
  const char* prefix;  // which refs this run answers
  json args;
};

std::vector<Query> queries() {
  return {
      {"category=",
       {{"by", "category"},
        {"values", {"normal"}},
        {"aggregations", {"count", "sum", "mean", "std", "min", "max", "median"}}}},
      {"category=,group2=",
       {{"by", {"category", "group2"}},
        {"values", {"skewed"}},
        {"aggregations", {"count", "mean", "std", "median"}}}},
      {"ties=",
       {{"by", {"ties"}}, {"values", {"huge"}}, {"aggregations", {"count", "mean", "std"}}}},
      {"group2=", {{"by", "group2"}, {"values", {"ties"}}, {"aggregations", {"sum"}}}},
  };
}

// "category=alpha,group2=A" -> {"alpha", "A"}; matches the query when the keys are its keys.
bool parse_group(const std::string& group, const std::string& prefix,
                 std::vector<std::string>& values) {
  std::vector<std::string> keys;
  values.clear();
  std::stringstream s(group);
  std::string part;
  while (std::getline(s, part, ',')) {
    const auto eq = part.find('=');
    keys.push_back(part.substr(0, eq + 1));
    values.push_back(part.substr(eq + 1));
  }
  std::string joined;
  for (std::size_t i = 0; i < keys.size(); ++i) joined += (i ? "," : "") + keys[i];
  return joined == prefix;
}

// The row of `data` whose keys are `keys` (as text), or null.
const json* find_row(const json& data, const std::vector<std::string>& keys) {
  const json* row = nullptr;
  for (const auto& r : data.at("rows")) {
    bool match = true;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::string cell = r[k].is_string() ? r[k].get<std::string>() : r[k].dump();
      match = match && cell == keys[k];
    }
    if (match) row = &r;
  }
  return row;
}

// The cell of column `key` in `row`, checked with `check(cell, ref)` for every reference in
// `refs` that the query answers; returns how many were checked.
template <class Refs, class Check>
int check_each(const json& data, const std::string& prefix, const Refs& refs, Check&& check) {
  const json& header = data.at("columns");
  int checked = 0;
  for (const auto& ref : refs) {
    std::vector<std::string> keys;
    if (!parse_group(ref.group, prefix, keys)) continue;
    std::size_t col = 0;
    while (col < header.size() && header[col] != ref.key) ++col;
    if (col == header.size()) continue;  // another query's aggregation
    SCOPED_TRACE(std::string(ref.group) + " " + ref.key);
    const json* row = find_row(data, keys);
    EXPECT_NE(row, nullptr);
    if (row == nullptr) continue;
    check((*row)[col], ref);
    ++checked;
  }
  return checked;
}

void check_references(const json& data, const Query& q) {
  int checked = check_each(data, q.prefix, kGroupBy, [](const json& cell, const Ref& ref) {
    EXPECT_TRUE(near_rel(cell, ref.value));
  });
  checked += check_each(data, q.prefix, kDistinctAndEnds, [](const json& cell, const Ref& ref) {
    EXPECT_TRUE(near_rel(cell, ref.value));
  });
  checked += check_each(data, q.prefix, kTextRefs, [](const json& cell, const TextRef& ref) {
    EXPECT_EQ(cell, json(ref.text));
  });
  EXPECT_GT(checked, 0);
}

// Queries of nunique, first and last (numbers, booleans and text) answered by
// kDistinctAndEnds and kTextRefs.
std::vector<Query> distinct_and_end_queries() {
  return {
      {"category=",
       {{"by", "category"},
        {"values", {"normal", "ties", "flag"}},
        {"aggregations", {"count", "nunique", "first", "last"}}}},
      {"category=,group2=",
       {{"by", {"category", "group2"}}, {"values", {"ties"}}, {"aggregations", {"nunique"}}}},
      {"group2=",
       {{"by", "group2"},
        {"values", {"category", "text_num"}},
        {"aggregations", {"count", "nunique", "first", "last"}}}},
  };
}

// Splits in which each state holds a run of consecutive chunks and states are merged in
// chunk order, as the host runs a mergeable stage (a state per chunk, folded in sequence
// order), which first/last rely on: 1 chunk; 1,000 chunks on one state; 2 chunks on 2 states
// (two threads); 8, 18 and 286 chunks each on its own state, merged left, right and as a
// tree. (splits() also deals chunks to states round-robin or at random, so one state's rows
// come both before and after another's; no merge order can give first/last then.)
std::vector<RunOptions> in_order_splits(std::int64_t rows) {
  auto one_state_per_chunk = [rows](std::int64_t chunk_rows, MergeOrder order) {
    const auto chunks = static_cast<int>((rows + chunk_rows - 1) / chunk_rows);
    return RunOptions{chunk_rows, chunks, order, 0, 0};
  };
  return {{0, 1, MergeOrder::left, 0, 0},
          {std::max<std::int64_t>(1, rows / 1000), 1, MergeOrder::left, 0, 0},
          one_state_per_chunk((rows + 1) / 2, MergeOrder::left),
          one_state_per_chunk(250, MergeOrder::tree),
          one_state_per_chunk(113, MergeOrder::right),
          one_state_per_chunk(7, MergeOrder::tree)};
}

}  // namespace

TEST(StatsGroupBy, MatchesPandasOnTheFixture) {
  for (const Query& q : queries()) {
    SCOPED_TRACE(q.args.dump());
    const Outcome out = run_ok("stats_groupby", q.args, fixture());
    ASSERT_EQ(out.status, QUARRY_OK);
    check_references(out.data(), q);
  }
}

TEST(StatsGroupBy, RowsCountGroupSizes) {
  const Outcome out = run_ok("stats_groupby", queries()[0].args, fixture());
  EXPECT_EQ(out.data().at("columns")[1], "rows");  // group sizes, checked against pandas .size()
  EXPECT_EQ(out.data().at("groups"), 4);
  EXPECT_EQ(out.data().at("rows")[0][0], "alpha");  // sorted by key
  EXPECT_NE(out.data().at("notes").dump().find("40 rows with a null key were dropped"),
            std::string::npos);
}

TEST(StatsGroupBy, SameResultsForAnyChunkingAndMergeOrder) {
  for (const Query& q : queries()) {
    const Outcome whole = run_ok("stats_groupby", q.args, fixture());
    for (const RunOptions& split : splits(fixture().rows)) {
      SCOPED_TRACE(q.args.dump() + " chunk_rows " + std::to_string(split.chunk_rows) +
                   ", instances " + std::to_string(split.instances));
      const Outcome parts = run_ok("stats_groupby", q.args, fixture(), split);
      ASSERT_EQ(parts.status, QUARRY_OK);
      EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-9));
      check_references(parts.data(), q);
    }
  }
}

TEST(StatsGroupBy, NullKeysFormAGroupWhenAsked) {
  const json args = {
      {"by", "category"}, {"values", {"normal"}}, {"aggregations", {"count"}}, {"dropna", false}};
  const Outcome out = run_ok("stats_groupby", args, fixture());
  const json& rows = out.data().at("rows");
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_TRUE(rows[4][0].is_null());  // nulls last
  EXPECT_EQ(rows[4][1], 40);
}

TEST(StatsGroupBy, SortsByRowsAndTruncatesWithTheTotal) {
  const json args = {{"by", "ties"},
                     {"aggregations", {"count"}},
                     {"values", {"normal"}},
                     {"sort", "rows"},
                     {"limit", 2}};
  const Outcome out = run_ok("stats_groupby", args, fixture());
  EXPECT_EQ(out.data().at("groups"), 8);
  EXPECT_EQ(out.data().at("returned"), 2);
  EXPECT_TRUE(out.data().at("truncated"));
  EXPECT_EQ(out.data().at("rows")[0][0], 3);  // ties=3 has the most rows (529 + nulls in normal)
  EXPECT_NE(out.text().find("(first 2 shown)"), std::string::npos);
}

TEST(StatsGroupBy, DefaultValuesAreTheNumericNonKeyColumns) {
  const Outcome out =
      run_ok("stats_groupby", {{"by", "group2"}, {"aggregations", {"mean"}}}, fixture());
  EXPECT_EQ(out.data().at("values"), json({"id", "normal", "skewed", "ties", "huge", "constant",
                                           "before", "after", "withinf"}));
}

TEST(StatsGroupBy, ManyGroupsPastTheBudgetFailNamingIt) {
  const Outcome out = run("stats_groupby", {{"by", "id"}, {"values", {"normal"}}}, fixture(),
                          {250, 2, MergeOrder::left, 0, 256 * 1024});
  EXPECT_EQ(out.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(out.error.find("groups need"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("memory budget"), std::string::npos) << out.error;
  const Outcome median = run("stats_groupby",
                             {{"by", "group2"},
                              {"values", {"normal", "skewed", "before", "after"}},
                              {"aggregations", {"median"}}},
                             fixture(), {250, 1, MergeOrder::left, 0, 128 * 1024});
  EXPECT_EQ(median.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(median.error.find("Drop median/pNN"), std::string::npos) << median.error;
}

TEST(StatsGroupBy, PercentilesAndBadAggregations) {
  const Outcome out =
      run_ok("stats_groupby",
             {{"by", "group2"}, {"values", {"constant"}}, {"aggregations", {"p90", "p0", "std"}}},
             fixture());
  EXPECT_EQ(out.data().at("rows")[0][2], 7.0);
  EXPECT_EQ(out.data().at("rows")[0][4], 0.0);
  const Outcome bad =
      run("stats_groupby", {{"by", "group2"}, {"aggregations", {"mode"}}}, fixture());
  EXPECT_EQ(bad.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(bad.error.find("unknown aggregation 'mode'"), std::string::npos) << bad.error;
  const Outcome missing = run("stats_groupby", {{"by", "nope"}}, fixture());
  EXPECT_NE(missing.error.find("no column named 'nope' (argument 'by')"), std::string::npos)
      << missing.error;
}

TEST(StatsGroupBy, ZeroRowsAndSingletonGroups) {
  const Table empty = make_table({text_column("k", {}), float_column("x", {})});
  const Outcome none = run_ok("stats_groupby", {{"by", "k"}}, empty);
  EXPECT_EQ(none.data().at("groups"), 0);
  const Table one = make_table({text_column("k", {"a"}), float_column("x", {2.5})});
  const Outcome single =
      run_ok("stats_groupby", {{"by", "k"}, {"aggregations", {"mean", "std"}}}, one);
  EXPECT_EQ(single.data().at("rows")[0], json({"a", 1, 2.5, nullptr}));
}

TEST(StatsGroupBy, NuniqueFirstAndLastMatchPandas) {
  for (const Query& q : distinct_and_end_queries()) {
    SCOPED_TRACE(q.args.dump());
    const Outcome out = run_ok("stats_groupby", q.args, fixture());
    ASSERT_EQ(out.status, QUARRY_OK);
    check_references(out.data(), q);
  }
}

TEST(StatsGroupBy, FirstAndLastFollowFileOrderAcrossChunksAndStates) {
  for (const Query& q : distinct_and_end_queries()) {
    const Outcome whole = run_ok("stats_groupby", q.args, fixture());
    for (const RunOptions& split : in_order_splits(fixture().rows)) {
      SCOPED_TRACE(q.args.dump() + " chunk_rows " + std::to_string(split.chunk_rows) +
                   ", instances " + std::to_string(split.instances));
      const Outcome parts = run_ok("stats_groupby", q.args, fixture(), split);
      ASSERT_EQ(parts.status, QUARRY_OK);
      EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-9));
      check_references(parts.data(), q);
    }
  }
}

TEST(StatsGroupBy, NuniqueIsTheSameForAnyChunkingAndMergeOrder) {
  const json args = {{"by", {"category", "group2"}},
                     {"values", {"ties", "category", "text_num", "normal"}},
                     {"aggregations", {"nunique", "count"}}};
  const Outcome whole = run_ok("stats_groupby", args, fixture());
  check_references(whole.data(), distinct_and_end_queries()[1]);
  for (const RunOptions& split : splits(fixture().rows)) {
    SCOPED_TRACE("chunk_rows " + std::to_string(split.chunk_rows) + ", instances " +
                 std::to_string(split.instances));
    const Outcome parts = run_ok("stats_groupby", args, fixture(), split);
    ASSERT_EQ(parts.status, QUARRY_OK);
    EXPECT_TRUE(same_json(whole.data(), parts.data(), 0));
  }
}

TEST(StatsGroupBy, TextColumnsWithNumericAggregationsFailNamingWhatWorksOnText) {
  const Outcome out = run(
      "stats_groupby",
      {{"by", "group2"}, {"values", {"category"}}, {"aggregations", {"nunique", "mean", "p90"}}},
      fixture());
  EXPECT_EQ(out.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(out.error.find("column 'category' holds text"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("mean, p90 need numbers; count, nunique, first or last"),
            std::string::npos)
      << out.error;
  // Text that parses as numbers still gives them; count takes every non-null text.
  const Outcome mixed = run_ok("stats_groupby",
                               {{"by", "group2"},
                                {"values", {"text_num"}},
                                {"aggregations", {"count", "max", "first"}},
                                {"non_numeric", "skip"}},
                               fixture());
  EXPECT_EQ(mixed.data().at("rows")[0], json({"A", 1129, 1129, 99.0, "62"}));
  EXPECT_NE(mixed.text().find("count, nunique, first and last take every text"), std::string::npos)
      << mixed.text();
}

TEST(StatsGroupBy, AllWithTextAggregationsTakesTextColumnsToo) {
  const Outcome out =
      run_ok("stats_groupby", {{"by", "group2"}, {"values", "all"}, {"aggregations", {"nunique"}}},
             fixture());
  EXPECT_EQ(out.data().at("values"),
            json({"id", "normal", "skewed", "ties", "huge", "constant", "category", "flag",
                  "before", "after", "withinf", "text_num"}));
  const Outcome numeric = run_ok(
      "stats_groupby", {{"by", "group2"}, {"values", "all"}, {"aggregations", {"nunique", "sum"}}},
      fixture());
  EXPECT_EQ(numeric.data().at("values").size(), 10U);  // text only when every aggregation takes it
}

TEST(StatsGroupBy, NuniquePastTheBudgetFailsNamingIt) {
  const Outcome out = run("stats_groupby",
                          {{"by", "group2"},
                           {"values", {"id", "normal", "skewed", "huge", "before", "after"}},
                           {"aggregations", {"nunique", "first"}}},
                          fixture(), {250, 2, MergeOrder::left, 0, 1 << 20});
  EXPECT_EQ(out.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(out.error.find("distinct (group, value) pairs kept for nunique"), std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("memory budget"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("Drop nunique"), std::string::npos) << out.error;
}

TEST(StatsGroupBy, NuniqueFirstLastOfEmptyGroupsSignedZerosAndBooleans) {
  const Table table =
      make_table({text_column("k", {"a", "a", "b", "b", "b", "b"}),
                  float_column("x", {kNull, kNull, 0.0, -0.0, 1.5, kNull}),
                  text_column("t", {std::nullopt, std::nullopt, "z", "y\nz", "z", std::nullopt}),
                  TextColumn{"f",
                             {std::nullopt, std::nullopt, "true", "false", "true", std::nullopt},
                             sdk::ColumnType::boolean}});
  const json args = {{"by", "k"},
                     {"values", {"x", "t", "f"}},
                     {"aggregations", {"count", "nunique", "first", "last"}}};
  const Outcome out = run_ok("stats_groupby", args, table);
  // pandas: nunique counts 0.0 and -0.0 once; a group without values has count 0, nunique 0
  // and first/last NaN (null here).
  EXPECT_EQ(out.data().at("rows")[0],
            json({"a", 2, 0, 0, nullptr, nullptr, 0, 0, nullptr, nullptr, 0, 0, nullptr, nullptr}));
  EXPECT_EQ(out.data().at("rows")[1],
            json({"b", 4, 3, 2, 0.0, 1.5, 3, 2, "z", "z", 3, 2, true, true}));
  EXPECT_NE(out.text().find("t.first"), std::string::npos) << out.text();
  const Table empty = make_table({text_column("k", {}), text_column("t", {})});
  const Outcome none =
      run_ok("stats_groupby",
             {{"by", "k"}, {"values", {"t"}}, {"aggregations", {"nunique", "last"}}}, empty);
  EXPECT_EQ(none.data().at("groups"), 0);
}

// The text gives group sums to the cent, as a model quotes them: pandas
// df.groupby("k")["x"].sum() -> EU 151546.84, APAC 92266.63 (6 significant digits showed
// 151547 and 92266.6).
TEST(StatsGroupBy, TextShowsSumsToTheCent) {
  const Table table = make_table(
      {text_column("k", {"EU", "EU", "APAC"}), float_column("x", {100000.42, 51546.42, 92266.63})});
  const Outcome out =
      run_ok("stats_groupby", {{"by", "k"}, {"values", {"x"}}, {"aggregations", {"sum"}}}, table);
  EXPECT_NE(out.text().find("151546.84"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("92266.63"), std::string::npos) << out.text();
}
