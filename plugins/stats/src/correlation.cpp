//! \file
//! stats_correlation: Pearson, Spearman and Kendall (tau-b) matrices and covariance with
//! pairwise-complete observations (as pandas DataFrame.corr / DataFrame.cov).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/comoment_matrix.hpp"
#include "detail/format.hpp"
#include "detail/kendall.hpp"
#include "detail/moments.hpp"
#include "detail/schema.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"

namespace quarry::stats {
namespace {

#define QUARRY_STATS_MATRIX \
  R"({"type":"array","items":{"type":"array","items":)" QUARRY_STATS_NUM R"(}})"

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["columns"],"properties":{)"
    R"("columns":)" QUARRY_STATS_COLUMNS(
        "Columns to correlate: names (text columns are parsed as numbers), or numeric/all. "
        "Default: numeric.") R"(,)"
                             R"("methods":{"type":"array","items":{"type":"string","enum":["pearson","spearman",)"
                             R"("kendall","covariance"]},"minItems":1,"uniqueItems":true,"default":["pearson","covariance"],)"
                             R"("description":"pearson and covariance stream in one pass; spearman and kendall )"
                             R"((tau-b) rank, so they keep the selected columns' rows and must fit the memory )"
                             R"(budget."},)"
                             R"("non_numeric":)" QUARRY_STATS_NON_NUMERIC R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["columns","n","notes"],"properties":{)"
    R"("columns":{"type":"array","items":{"type":"string"}},)"
    R"("n":{"type":"array","items":{"type":"array","items":{"type":"integer"}}},)"
    R"("pearson":)" QUARRY_STATS_MATRIX R"(,"spearman":)" QUARRY_STATS_MATRIX R"(,)"
    R"("kendall":)" QUARRY_STATS_MATRIX R"(,)"
    R"("covariance":)" QUARRY_STATS_MATRIX R"(,)"
    R"("undefined":{"type":"array","items":{"type":"object","properties":{)"
    R"("columns":{"type":"array","items":{"type":"string"}},"methods":{"type":"array",)"
    R"("items":{"type":"string"}},"reason":{"type":"string"}}}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kDescription =
    "Correlation matrices of numeric columns: Pearson, Spearman (ranks, ties averaged), "
    "Kendall's tau-b and covariance (ddof=1), each over pairwise-complete rows (a pair uses the "
    "rows where both "
    "columns have a value), with the number of such rows per pair, as pandas DataFrame.corr / "
    "DataFrame.cov. Undefined entries (fewer than 2 rows, a constant column) are null with a "
    "reason. NaN counts as missing; infinities are left out and counted.";

//! Average ranks (1-based, ties share the mean rank) of `values`.
std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<std::uint32_t> order(values.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + 1 + j);  // mean of i+1 .. j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

class CorrelationStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  CorrelationStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        columns_(select_columns(args, "columns", input, "numeric", Need::number)),
        counts_(columns_.size()),
        pairs_(columns_.size()),
        skip_non_numeric_(args.get_or("non_numeric", "error") == "skip") {
    for (const auto& m :
         args.get_or<std::vector<std::string>>("methods", {"pearson", "covariance"})) {
      if (m == "pearson") pearson_ = true;
      if (m == "spearman") spearman_ = true;
      if (m == "kendall") kendall_ = true;
      if (m == "covariance") covariance_ = true;
      if (m != "pearson" && m != "spearman" && m != "kendall" && m != "covariance") {
        throw sdk::Error::invalid_argument("unknown method '" + m +
                                           "'; use pearson, spearman, kendall or covariance");
      }
    }
    if (keeps_rows()) kept_.resize(columns_.size());
    complete_.assign(columns_.size(), true);
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    const std::size_t k = columns_.size();
    std::vector<std::vector<double>>& values = chunk_scratch(k);
    std::vector<const double*> rows(k);
    for (std::size_t i = 0; i < k; ++i) {
      const std::int64_t before = counts_[i].usable();
      read_numbers(chunk.column(columns_[i].index), values[i], counts_[i]);
      complete_[i] = complete_[i] && counts_[i].usable() - before == chunk.rows();
      rows[i] = values[i].data();
    }
    pairs_.add(rows, static_cast<std::size_t>(chunk.rows()));
    if (keeps_rows()) keep_rows(values);
  }

  void merge(CorrelationStage& other, sdk::Call&) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      counts_[i].merge(other.counts_[i]);
      complete_[i] = complete_[i] && other.complete_[i];
      if (keeps_rows()) {
        kept_[i].insert(kept_[i].end(), other.kept_[i].begin(), other.kept_[i].end());
        std::vector<double>().swap(other.kept_[i]);
      }
    }
    pairs_.merge(other.pairs_);
    if (keeps_rows()) check_kept();
  }

  sdk::Result finish(sdk::Call& call) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      check_numeric(columns_[i].name, counts_[i], skip_non_numeric_);
    }
    const std::size_t k = columns_.size();
    json names = json::array(), n = json::array(), notes = json::array();
    for (const auto& c : columns_) names.push_back(c.name);
    for (std::size_t i = 0; i < k; ++i) {
      json row = json::array();
      for (std::size_t j = 0; j < k; ++j) row.push_back(pairs_.at(i, j).count());
      n.push_back(row);
      const std::string inf = infinity_note(columns_[i].name, counts_[i]);
      if (!inf.empty()) notes.push_back(inf);
      if (counts_[i].non_numeric > 0) {
        notes.push_back("column '" + columns_[i].name +
                        "': " + std::to_string(counts_[i].non_numeric) +
                        " text values that are not numbers were left out");
      }
    }
    json out = {{"columns", names}, {"n", n}};
    std::string text = "stats_correlation: " + std::to_string(k) + " columns\n";
    if (pearson_) {
      out["pearson"] = matrix([](const CoMoments& m) { return m.correlation(); });
      text += render("pearson", out["pearson"], names);
    }
    if (spearman_) {
      std::vector<std::vector<double>> full_ranks(k);
      out["spearman"] = rank_matrix(
          call, [&](std::size_t i, std::size_t j) { return spearman(i, j, full_ranks); });
      text += render("spearman", out["spearman"], names);
    }
    if (kendall_) {
      out["kendall"] =
          rank_matrix(call, [&](std::size_t i, std::size_t j) { return kendall(i, j); });
      text += render("kendall", out["kendall"], names);
    }
    if (covariance_) {
      out["covariance"] = matrix([](const CoMoments& m) { return m.covariance(); });
      text += render("covariance", out["covariance"], names);
    }
    out["undefined"] = undefined_entries(out);
    for (const auto& u : out["undefined"]) {
      text += "undefined: " + u["columns"][0].get<std::string>() + " x " +
              u["columns"][1].get<std::string>() + ": " + u["reason"].get<std::string>() + "\n";
    }
    for (const auto& note : notes) text += "note: " + note.get<std::string>() + "\n";
    out["notes"] = notes;
    return sdk::Result::structured(std::move(out), text);
  }

 private:
  // Appends this chunk's columns (`values`, read by consume) to the rows kept for ranks.
  void keep_rows(const std::vector<std::vector<double>>& values) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      kept_[i].insert(kept_[i].end(), values[i].begin(), values[i].end());
    }
    check_kept();
  }

  //! Spearman and Kendall rank every value, so the rows are kept.
  [[nodiscard]] bool keeps_rows() const noexcept { return spearman_ || kendall_; }

  void check_kept() const {
    const std::size_t rows = kept_.empty() ? 0 : kept_[0].size();
    // Kendall gathers a pair's complete rows (2 doubles a row) and sorts them as pairs (2 more).
    const std::size_t bytes = rows * (columns_.size() + (kendall_ ? 4 : 0)) * sizeof(double);
    if (bytes <= budget_.limit()) return;
    const std::string what = spearman_ && kendall_ ? "Spearman and Kendall correlations rank"
                             : spearman_           ? "Spearman correlation ranks"
                                                   : "Kendall correlation ranks";
    throw sdk::Error::out_of_memory(
        what + " every value, so the call keeps the rows of the " +
        std::to_string(columns_.size()) + " selected columns: " + std::to_string(rows) +
        " rows so far need " + Budget::mib(bytes) + ", more than " + budget_.describe() +
        ". Ask for pearson/covariance only (they stream in constant memory) or select fewer "
        "columns.");
  }

  template <class F>
  json matrix(F f) const {
    json m = json::array();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      json row = json::array();
      for (std::size_t j = 0; j < columns_.size(); ++j) row.push_back(num(f(pairs_.at(i, j))));
      m.push_back(row);
    }
    return m;
  }

  // Pearson correlation of average ranks over the pair's complete rows.
  double spearman(std::size_t i, std::size_t j, std::vector<std::vector<double>>& full_ranks) {
    if (complete_[i] && complete_[j]) {
      for (std::size_t c : {i, j}) {
        if (full_ranks[c].empty()) full_ranks[c] = average_ranks(kept_[c]);
      }
      CoMoments m;
      m.add(full_ranks[i].data(), full_ranks[j].data(), full_ranks[i].size());
      return m.correlation();
    }
    std::vector<double> x, y;
    complete_rows(i, j, x, y);
    const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
    CoMoments m;
    m.add(rx.data(), ry.data(), rx.size());
    return m.correlation();
  }

  // The pair's complete rows: (x, y) where both columns have a value.
  void complete_rows(std::size_t i, std::size_t j, std::vector<double>& x,
                     std::vector<double>& y) const {
    x.clear();
    y.clear();
    for (std::size_t r = 0; r < kept_[i].size(); ++r) {
      if (std::isnan(kept_[i][r]) || std::isnan(kept_[j][r])) continue;
      x.push_back(kept_[i][r]);
      y.push_back(kept_[j][r]);
    }
  }

  // Kendall's tau-b over the pair's complete rows (as scipy.stats.kendalltau); a column with
  // itself is exactly 1 unless constant (the division can leave 1 - 2e-16; pandas puts 1).
  double kendall(std::size_t i, std::size_t j) const {
    std::vector<double> x, y;
    complete_rows(i, j, x, y);
    const double tau = kendall_counts(x, y).tau_b();
    return i == j && !std::isnan(tau) ? 1.0 : tau;
  }

  // The symmetric matrix of `f(i, j)` over the column pairs i <= j.
  template <class F>
  json rank_matrix(sdk::Call& call, F&& f) {
    const std::size_t k = columns_.size();
    std::vector<double> r(k * k, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = i; j < k; ++j) {
        call.throw_if_cancelled();
        r[i * k + j] = r[j * k + i] = f(i, j);
      }
    }
    json m = json::array();
    for (std::size_t i = 0; i < k; ++i) {
      json row = json::array();
      for (std::size_t j = 0; j < k; ++j) row.push_back(num(r[i * k + j]));
      m.push_back(row);
    }
    return m;
  }

  //! The pairs whose statistics are null, each with the methods and the reason; `out` holds
  //! the matrices (a rank method is listed only where its value is null: ranks of values
  //! whose squares underflow still differ).
  json undefined_entries(const json& out) const {
    json out_entries = json::array();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      for (std::size_t j = i; j < columns_.size(); ++j) {
        const CoMoments& m = pairs_.at(i, j);
        const auto null_in = [&](const char* method) {
          return out.contains(method) && out[method][i][j].is_null();
        };
        std::string reason;
        json methods = json::array();
        if (m.count() < 2) {
          reason = std::to_string(m.count()) + " row(s) where both have a value; 2 are needed";
          if (covariance_) methods.push_back("covariance");
        } else if (m.sxx() == 0 || m.syy() == 0) {
          const std::string& which = m.sxx() == 0 ? columns_[i].name : columns_[j].name;
          const bool ranked = out.contains("spearman") || out.contains("kendall");
          const bool ranks_differ = ranked && !null_in("spearman") && !null_in("kendall");
          reason = ranks_differ ? "column '" + which +
                                      "' has values so small that their squared deviations "
                                      "underflow to 0 (std 0), so Pearson's r is undefined; "
                                      "rescale it (Spearman and Kendall use ranks)"
                                : "column '" + which +
                                      "' is constant (std 0) on the rows where both have a "
                                      "value, so its correlation is undefined";
          if (pearson_) methods.push_back("pearson");
          if (null_in("spearman")) methods.push_back("spearman");
          if (null_in("kendall")) methods.push_back("kendall");
          if (methods.empty()) continue;
          out_entries.push_back({{"columns", {columns_[i].name, columns_[j].name}},
                                 {"methods", methods},
                                 {"reason", reason}});
          continue;
        } else if (!m.sums_finite()) {
          const std::string& which = std::isfinite(m.sxx()) ? columns_[j].name : columns_[i].name;
          const bool covariance_null = null_in("covariance");
          if (pearson_) methods.push_back("pearson");
          if (covariance_null) methods.push_back("covariance");
          if (methods.empty()) continue;
          const std::string what = pearson_ && covariance_null ? "Pearson's r and the covariance"
                                   : pearson_                  ? "Pearson's r"
                                                               : "the covariance";
          out_entries.push_back(
              {{"columns", {columns_[i].name, columns_[j].name}},
               {"methods", methods},
               {"reason", "column '" + which +
                              "' has values so far apart that their squared "
                              "deviations overflow (above about 1.8e308), so " +
                              what +
                              " cannot be computed; rescale it (Spearman and Kendall "
                              "use ranks)"}});
          continue;
        } else {
          continue;
        }
        if (pearson_) methods.insert(methods.begin(), "pearson");
        if (spearman_) methods.push_back("spearman");
        if (kendall_) methods.push_back("kendall");
        if (methods.empty()) continue;
        out_entries.push_back({{"columns", {columns_[i].name, columns_[j].name}},
                               {"methods", methods},
                               {"reason", reason}});
      }
    }
    return out_entries;
  }

  static std::string render(const std::string& title, const json& m, const json& names) {
    std::vector<std::string> header = {title};
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) header.push_back(name.get<std::string>());
    for (std::size_t i = 0; i < m.size(); ++i) {
      std::vector<std::string> row = {names[i].get<std::string>()};
      for (const auto& v : m[i]) row.push_back(v.is_null() ? "-" : short_text(v.get<double>()));
      rows.push_back(std::move(row));
    }
    return sdk::text_table(header, rows);
  }

  Budget budget_;
  std::vector<ColumnRef> columns_;
  std::vector<ValueCounts> counts_;
  CoMomentMatrix pairs_;
  std::vector<bool> complete_;  // no value of the column was missing so far
  bool pearson_ = false;
  bool spearman_ = false;
  bool kendall_ = false;
  bool covariance_ = false;
  bool skip_non_numeric_ = false;
  std::vector<std::vector<double>> kept_;  // spearman/kendall: every row, NaN where missing
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(correlation, "stats_correlation", "Correlation matrix", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_STATS_ANNOTATIONS,
                            CorrelationStage);

}  // namespace quarry::stats
