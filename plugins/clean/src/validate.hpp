#pragma once
//! \file
//! clean_validate: declarative rules per column (not_null, unique, range, regex, allowed,
//! type) checked in one ordered pass. The report gives, per rule, the true number of
//! violations and the first row numbers (0-based data rows, as a pandas index) with example
//! values; the transformed stream is the failing rows with a `row` column (that number) and a
//! `failed_rules` column, so the host's `output` argument writes them to a file.

#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/format.hpp"
#include "detail/hash.hpp"
#include "detail/missing.hpp"
#include "detail/parse.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! What a rule checks.
enum class Check { not_null, unique, range, regex, allowed, type };

//! One rule, parsed and checked against the schema.
struct Rule {
  std::string name;  //!< "<column>.<check>" (or the rule's own "name")
  ColumnRef ref;
  Check check = Check::not_null;
  double min = -INFINITY, max = INFINITY;
  std::optional<std::regex> pattern;
  std::set<std::string> allowed;
  std::string type;  //!< for check type: int64, float64, bool, timestamp, string
  // Results.
  std::int64_t violations = 0;
  std::vector<std::int64_t> rows;
  json examples = json::array();
};

//! The text of row `i` of a column as allowed-set and example values see it.
inline std::string cell_text(const sdk::ColumnView& col, std::int64_t i) {
  switch (col.type()) {
    case sdk::ColumnType::int64:
      return std::to_string(col.int64s()[i]);
    case sdk::ColumnType::float64: {
      const double x = col.float64s()[i];
      return exact_text(x == 0.0 ? 0.0 : x);  // -0.0 is the value 0.0, as pandas compares
    }
    case sdk::ColumnType::boolean:
      return col.bools()[i] ? "true" : "false";
    case sdk::ColumnType::timestamp:
      return sdk::iso8601_text(col.timestamps()[i], col.field().time_unit());
    default:
      return std::string(col.strings()[i]);
  }
}

//! The clean_validate stage (ordered transform: row numbers and `unique` need file order).
class ValidateStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  //! Parses and checks the rules: missing columns, bad regexes, ranges on text, … fail here.
  ValidateStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call, mode), max_rows_(args.get_or<std::int64_t>("max_rows", 20)) {
    const json rules = args.get<json>("rules");
    if (!rules.is_array() || rules.empty()) {
      throw sdk::Error::invalid_argument(
          "'rules' must be a non-empty array of {column, check, ...}");
    }
    for (std::size_t k = 0; k < rules.size(); ++k) rules_.push_back(parse(rules[k], k, input));
    builder_ = sdk::ChunkBuilder::like(input);
    // The failing row's data row (0-based, as the report's rows) and the rules it broke.
    const auto unused_name = [&input](std::string name) {
      while (input.find(name)) name = "_" + name;
      return name;
    };
    builder_.add_int64(unused_name("row"));
    builder_.add_utf8(unused_name("failed_rules"));
  }

  //! Checks one chunk; emits its failing rows.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    const std::int64_t n = chunk.rows();
    failed_.assign(static_cast<std::size_t>(n), std::string());
    for (std::size_t k = 0; k < rules_.size(); ++k) check(rules_[k], chunk);
    kept_.clear();
    for (std::int64_t i = 0; i < n; ++i) {
      if (!failed_[i].empty()) kept_.push_back(i);
    }
    failing_rows_ += static_cast<std::int64_t>(kept_.size());
    rows_ += n;
    const RowSelection sel{&kept_, n};
    for (std::int64_t c = 0; c < chunk.columns(); ++c)
      copy_column(builder_.column(c), chunk.column(c), sel);
    auto& rows = dynamic_cast<sdk::Int64Builder&>(builder_.column(chunk.columns()));
    auto& reasons = dynamic_cast<sdk::StringBuilder&>(builder_.column(chunk.columns() + 1));
    for (std::int64_t i : kept_) {
      rows.append(rows_ - n + i);
      reasons.append(failed_[i]);
    }
    return builder_.finish();
  }

  //! The violation report.
  sdk::Result finish(sdk::Call&) const {
    json rules = json::array();
    std::vector<std::vector<std::string>> table;
    std::int64_t total = 0;
    for (const Rule& r : rules_) {
      total += r.violations;
      rules.push_back({{"rule", r.name},
                       {"column", r.ref.name},
                       {"check", check_name(r.check)},
                       {"violations", r.violations},
                       {"rows", r.rows},
                       {"rows_truncated", r.violations > static_cast<std::int64_t>(r.rows.size())},
                       {"examples", r.examples}});
      std::string rows;
      for (std::int64_t row : r.rows) rows += (rows.empty() ? "" : " ") + std::to_string(row);
      if (r.violations > static_cast<std::int64_t>(r.rows.size())) rows += " …";
      table.push_back({r.name, std::to_string(r.violations), rows.substr(0, 60)});
    }
    json data = {{"rows", rows_},
                 {"valid", total == 0},
                 {"violations", total},
                 {"failing_rows", failing_rows_},
                 {"rules", rules}};
    std::string text = "clean_validate: " + std::to_string(rows_) + " rows, " +
                       std::to_string(total) + " violations in " + std::to_string(failing_rows_) +
                       " rows\n" + sdk::text_table({"rule", "violations", "rows (0-based)"}, table);
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  static const char* check_name(Check c) {
    switch (c) {
      case Check::not_null:
        return "not_null";
      case Check::unique:
        return "unique";
      case Check::range:
        return "range";
      case Check::regex:
        return "regex";
      case Check::allowed:
        return "allowed";
      default:
        return "type";
    }
  }

  static Rule parse(const json& spec, std::size_t k, const sdk::SchemaView& schema) {
    const std::string where = "rules[" + std::to_string(k) + "]";
    if (!spec.is_object() || !spec.contains("column") || !spec.contains("check")) {
      throw sdk::Error::invalid_argument(where + " needs \"column\" and \"check\"");
    }
    Rule r;
    r.ref = require_column(schema, spec.at("column").get<std::string>(), where + ".column");
    const std::string check = spec.at("check").get<std::string>();
    r.name = spec.value("name", r.ref.name + "." + check);
    if (check == "not_null") {
      r.check = Check::not_null;
    } else if (check == "unique") {
      r.check = Check::unique;
    } else if (check == "range") {
      r.check = Check::range;
      if (!is_numeric(r.ref.type)) {
        throw sdk::Error::invalid_argument(
            where + ": a range needs a numeric column; '" + r.ref.name + "' is " +
            std::string(sdk::type_name(r.ref.type)) + " (check its type first, or convert it)");
      }
      if (!spec.contains("min") && !spec.contains("max")) {
        throw sdk::Error::invalid_argument(where + ": a range needs \"min\" and/or \"max\"");
      }
      r.min = spec.value("min", -INFINITY);
      r.max = spec.value("max", INFINITY);
    } else if (check == "regex") {
      r.check = Check::regex;
      if (r.ref.type != sdk::ColumnType::utf8) {
        throw sdk::Error::invalid_argument(where + ": regex needs a text column; '" + r.ref.name +
                                           "' is " + std::string(sdk::type_name(r.ref.type)));
      }
      const std::string pattern = spec.value("pattern", "");
      try {
        r.pattern.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        throw sdk::Error::invalid_argument(where + ": invalid regex \"" + pattern +
                                           "\": " + e.what() +
                                           " (ECMAScript syntax; the whole value must match)");
      }
    } else if (check == "allowed") {
      r.check = Check::allowed;
      if (!spec.contains("values") || !spec.at("values").is_array()) {
        throw sdk::Error::invalid_argument(where + ": allowed needs \"values\": [...]");
      }
      for (const auto& v : spec.at("values")) {
        if (v.is_string()) {
          r.allowed.insert(v.get<std::string>());
        } else if (v.is_number_integer()) {
          r.allowed.insert(std::to_string(v.get<std::int64_t>()));
        } else if (v.is_number()) {
          const double x = v.get<double>();
          r.allowed.insert(exact_text(x == 0.0 ? 0.0 : x));
        } else if (v.is_boolean()) {
          r.allowed.insert(v.get<bool>() ? "true" : "false");
        }
      }
    } else if (check == "type") {
      r.check = Check::type;
      r.type = spec.value("type", "");
      if (r.type != "int64" && r.type != "float64" && r.type != "bool" && r.type != "timestamp" &&
          r.type != "string") {
        throw sdk::Error::invalid_argument(
            where + ": type must be int64, float64, bool, timestamp or string");
      }
    } else {
      throw sdk::Error::invalid_argument(where + ": unknown check \"" + check +
                                         "\"; use not_null, unique, range, regex, allowed or type");
    }
    return r;
  }

  // True when valid (non-missing) value i of `col` breaks a type rule.
  static bool wrong_type(const Rule& r, const sdk::ColumnView& col, std::int64_t i) {
    if (r.type == "string") return false;
    const sdk::ColumnType t = col.type();
    if (t != sdk::ColumnType::utf8) {
      if (r.type == "float64") return !(is_numeric(t));
      if (r.type == "int64") {
        return t == sdk::ColumnType::float64 ? std::trunc(col.float64s()[i]) != col.float64s()[i]
                                             : t != sdk::ColumnType::int64;
      }
      return r.type != std::string(sdk::type_name(t)) &&
             !(r.type == "bool" && t == sdk::ColumnType::boolean);
    }
    const std::string_view s = col.strings()[i];
    std::int64_t iv = 0;
    double dv = 0;
    bool bv = false;
    if (r.type == "int64") return !parse_int64(s, iv);
    if (r.type == "float64") return !parse_finite(s, dv);
    if (r.type == "bool") return !parse_bool_word(s, bv);
    return !parse_iso_timestamp(s, iv);
  }

  void violate(Rule& r, const sdk::ColumnView& col, std::int64_t i) {
    ++r.violations;
    if (static_cast<std::int64_t>(r.rows.size()) < max_rows_) {
      r.rows.push_back(rows_ + i);
      if (r.examples.size() < 5)
        r.examples.push_back(is_missing(col, i) ? json(nullptr)
                                                : json(clip_text(cell_text(col, i), 80)));
    }
    std::string& f = failed_[i];
    f += (f.empty() ? "" : ",") + r.name;
  }

  void check(Rule& r, const sdk::ChunkView& chunk) {
    const sdk::ColumnView col = chunk.column(r.ref.index);
    const std::int64_t n = chunk.rows();
    for (std::int64_t i = 0; i < n; ++i) {
      const bool missing = is_missing(col, i);
      if (r.check == Check::not_null) {
        if (missing) violate(r, col, i);
        continue;
      }
      if (missing) continue;  // other checks judge values only
      switch (r.check) {
        case Check::unique: {
          const Hash128 h = hash_bytes(cell_text(col, i), static_cast<std::uint64_t>(col.type()));
          if (!seen_[&r - rules_.data()].insert({h.lo, h.hi}).second) {
            violate(r, col, i);
          } else {
            unique_bytes_ += 48;
            budget_.check(unique_bytes_, "the values clean_validate keeps for unique checks");
          }
          break;
        }
        case Check::range: {
          const double x = *col.number(i);
          if (x < r.min || x > r.max) violate(r, col, i);
          break;
        }
        case Check::regex:
          if (!std::regex_match(col.strings()[i].begin(), col.strings()[i].end(), *r.pattern))
            violate(r, col, i);
          break;
        case Check::allowed:
          if (r.allowed.count(cell_text(col, i)) == 0) violate(r, col, i);
          break;
        case Check::type:
          if (wrong_type(r, col, i)) violate(r, col, i);
          break;
        default:
          break;
      }
    }
  }

  struct PairHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& p) const noexcept {
      return p.first;
    }
  };

  Budget budget_;
  std::int64_t max_rows_;
  std::vector<Rule> rules_;
  std::unordered_map<std::ptrdiff_t,
                     std::unordered_set<std::pair<std::uint64_t, std::uint64_t>, PairHash>>
      seen_;
  std::uint64_t unique_bytes_ = 0;
  sdk::ChunkBuilder builder_;
  std::vector<std::string> failed_;
  std::vector<std::int64_t> kept_;
  std::int64_t rows_ = 0;
  std::int64_t failing_rows_ = 0;
};

}  // namespace quarry::clean
