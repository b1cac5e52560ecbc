#pragma once
//! \file
//! clean_convert: stores every column in the narrowest type the chunks can carry — text that
//! is really integers, decimals, booleans or ISO 8601 dates/times becomes int64, float64,
//! bool or timestamp; floats that are all whole numbers become int64 — and writes the result
//! through the host's `output` (CSV, TSV, JSON Lines or SQLite, chosen by the file name), so
//! it converts between formats with optimized types.
//!
//! Two passes: ConvertTypes (mergeable FirstPass) counts, per column, how many values parse
//! as each type and picks the target; ConvertStage then converts chunks in parallel.

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/format.hpp"
#include "detail/parse.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! Per column: what its values parse as.
struct TypeCounts {
  ColumnRef ref;
  std::int64_t values = 0;  //!< non-null values
  std::int64_t as_int = 0, as_float = 0, as_bool = 0, as_time = 0;
  //! Numbers written as identifiers ("02134", "+15551234567": is_identifier_number), and the
  //! smallest of them.
  std::int64_t identifiers = 0;
  std::string identifier_example;
  bool integral = true;  //!< float64 column: every finite value is whole and within ±2^53
  sdk::ColumnType target = sdk::ColumnType::other;  //!< set by finish()
  std::int64_t fit = 0;                             //!< values that fit the target
  void merge(const TypeCounts& o) {
    values += o.values;
    as_int += o.as_int;
    as_float += o.as_float;
    as_bool += o.as_bool;
    as_time += o.as_time;
    identifiers += o.identifiers;
    keep_least(identifier_example, o.identifier_example);
    integral = integral && o.integral;
  }
  //! Why the column keeps its text although its values are numbers, or "".
  [[nodiscard]] std::string kept_as_text() const {
    if (identifiers == 0 || target == sdk::ColumnType::int64 ||
        target == sdk::ColumnType::float64) {
      return "";
    }
    return "kept as text: " + std::to_string(identifiers) +
           (identifiers == 1 ? " number" : " numbers") + " written as identifiers (e.g. " +
           identifier_example +
           "; a leading zero, or '+' and 8 or more digits) would change as numbers; name the "
           "column in columns to convert it anyway";
  }
};

//! The first pass: counts and picks each column's narrowest type.
class ConvertTypes {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  //! Reads columns (default all), min_share (default 1: every value must fit) and
  //! integers_from_floats (default true).
  ConvertTypes(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input)
      : min_share_(args.get_or<double>("min_share", 1.0)),
        floats_to_ints_(args.get_or<bool>("integers_from_floats", true)),
        columns_named_(args.has("columns")) {
    if (!(min_share_ > 0 && min_share_ <= 1)) {
      throw sdk::Error::invalid_argument(
          "min_share must be in (0, 1]: the share of a column's values "
          "that must parse for it to be converted");
    }
    for (auto& ref : columns_or_all(args, "columns", input)) {
      if (ref.type == sdk::ColumnType::utf8 || ref.type == sdk::ColumnType::float64) {
        TypeCounts c;
        c.ref = std::move(ref);
        counts_.push_back(std::move(c));
      }
    }
  }

  //! Counts one chunk.
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    for (auto& c : counts_) {
      const sdk::ColumnView col = chunk.column(c.ref.index);
      if (c.ref.type == sdk::ColumnType::float64) {
        const auto v = col.float64s();
        for (std::int64_t i = 0; i < v.size(); ++i) {
          if (!v.is_valid(i) || std::isnan(v[i])) continue;
          ++c.values;
          if (!(std::trunc(v[i]) == v[i] && std::fabs(v[i]) <= 9007199254740992.0))
            c.integral = false;
        }
        continue;
      }
      const auto v = col.strings();
      for (std::int64_t i = 0; i < v.size(); ++i) {
        if (!v.is_valid(i)) continue;
        ++c.values;
        std::int64_t n = 0;
        double d = 0;
        bool b = false;
        c.as_int += parse_int64(v[i], n) ? 1 : 0;
        const bool number = parse_finite(v[i], d);
        c.as_float += number ? 1 : 0;
        if (number && is_identifier_number(v[i])) {
          ++c.identifiers;
          keep_least(c.identifier_example, trim_blanks(v[i]));
        }
        c.as_bool += parse_bool_word(v[i], b) ? 1 : 0;
        c.as_time += parse_iso_timestamp(v[i], n) ? 1 : 0;
      }
    }
  }

  //! Folds another worker's counts in.
  void merge(ConvertTypes& other, sdk::Call&) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i].merge(other.counts_[i]);
  }

  //! Picks the targets: of the types at least min_share of the values fit, the one most
  //! values fit, the narrowest on a tie (int64, then float64, bool, timestamp); columns
  //! without values keep their type, and so do text columns of numbers written as
  //! identifiers, unless named in `columns`.
  void finish(sdk::Call&) {
    for (auto& c : counts_) {
      c.target = c.ref.type;
      if (c.values == 0) continue;
      if (c.ref.type == sdk::ColumnType::float64) {
        if (floats_to_ints_ && c.integral) c.target = sdk::ColumnType::int64, c.fit = c.values;
        continue;
      }
      const auto need =
          static_cast<std::int64_t>(std::ceil(min_share_ * static_cast<double>(c.values)));
      const bool numbers = c.identifiers == 0 || columns_named_;
      const std::pair<sdk::ColumnType, std::int64_t> order[] = {
          {sdk::ColumnType::int64, numbers ? c.as_int : 0},
          {sdk::ColumnType::float64, numbers ? c.as_float : 0},
          {sdk::ColumnType::boolean, c.as_bool},
          {sdk::ColumnType::timestamp, c.as_time}};
      // The type that keeps the most values, the narrowest of those on a tie: with min_share
      // below 1, "1.5, 2, 7" is float64 (all three kept), not int64 (1.5 lost).
      for (const auto& [type, n] : order) {
        if (n >= need && n > c.fit) {
          c.target = type;
          c.fit = n;
        }
      }
    }
  }

  //! The counts and targets.
  [[nodiscard]] const std::vector<TypeCounts>& columns() const noexcept { return counts_; }

 private:
  double min_share_;
  bool floats_to_ints_;
  //! The call named its columns: convert them even when their numbers look like identifiers.
  bool columns_named_;
  std::vector<TypeCounts> counts_;
};

//! The main pass: converts each chunk (parallel; counts merged).
class ConvertStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;
  using FirstPass = ConvertTypes;

  //! Opens with the targets of the first pass.
  ConvertStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView& input,
               const ConvertTypes& types)
      : types_(&types), target_(static_cast<std::size_t>(input.columns()), -1) {
    const auto& cols = types.columns();
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (cols[k].target != cols[k].ref.type)
        target_[static_cast<std::size_t>(cols[k].ref.index)] = static_cast<int>(k);
    }
    nulls_.assign(cols.size(), 0);
    for (std::int64_t c = 0; c < input.columns(); ++c) {
      const sdk::FieldView f = input.field(c);
      const int k = target_[static_cast<std::size_t>(c)];
      add(std::string(f.name()), k >= 0 ? cols[static_cast<std::size_t>(k)].target : f.type(), f);
    }
  }

  //! Hosts before ABI 1.1 cannot run the first pass the types come from.
  ConvertStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView&) : types_(nullptr) {
    throw sdk::Error::unsupported(
        "clean_convert needs a host that runs two-pass stages (plugin ABI 1.1) to know every "
        "column's type before writing; update Quarry");
  }

  //! Converts one chunk.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    rows_ += chunk.rows();
    const RowSelection all{nullptr, chunk.rows()};
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      const int k = target_[static_cast<std::size_t>(c)];
      if (k < 0) {
        copy_column(builder_.column(c), chunk.column(c), all);
      } else {
        convert(types_->columns()[static_cast<std::size_t>(k)].target, chunk.column(c),
                builder_.column(c), nulls_[static_cast<std::size_t>(k)]);
      }
    }
    return builder_.finish();
  }

  //! Folds another worker's counts in.
  void merge(ConvertStage& other, sdk::Call&) {
    rows_ += other.rows_;
    for (std::size_t k = 0; k < nulls_.size(); ++k) nulls_[k] += other.nulls_[k];
  }

  //! The report: per column the type before and after, values converted and nulled.
  sdk::Result finish(sdk::Call&) const {
    json columns = json::array();
    std::vector<std::vector<std::string>> table;
    for (std::size_t k = 0; k < types_->columns().size(); ++k) {
      const TypeCounts& c = types_->columns()[k];
      const bool changed = c.target != c.ref.type;
      columns.push_back({{"name", c.ref.name},
                         {"from", std::string(sdk::type_name(c.ref.type))},
                         {"to", std::string(sdk::type_name(c.target))},
                         {"values", c.values},
                         {"converted", changed ? c.fit : 0},
                         {"coerced_to_null", nulls_[k]}});
      if (std::string why = c.kept_as_text(); !why.empty()) columns.back()["note"] = why;
      table.push_back({c.ref.name, std::string(sdk::type_name(c.ref.type)),
                       std::string(sdk::type_name(c.target)), std::to_string(nulls_[k])});
    }
    json data = {{"rows", rows_}, {"columns", columns}};
    std::string text = "clean_convert: " + std::to_string(rows_) + " rows\n" +
                       sdk::text_table({"column", "from", "to", "coerced to null"}, table);
    for (const json& c : columns) {
      if (c.contains("note"))
        text += c["name"].get<std::string>() + ": " + c["note"].get<std::string>() + "\n";
    }
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  void add(std::string name, sdk::ColumnType type, const sdk::FieldView& f) {
    switch (type) {
      case sdk::ColumnType::int64:
        builder_.add_int64(std::move(name));
        return;
      case sdk::ColumnType::float64:
        builder_.add_float64(std::move(name));
        return;
      case sdk::ColumnType::boolean:
        builder_.add_bool(std::move(name));
        return;
      case sdk::ColumnType::timestamp:
        if (f.type() == sdk::ColumnType::timestamp) {
          builder_.add_timestamp(std::move(name), f.time_unit(), std::string(f.timezone()));
        } else {
          builder_.add_timestamp(std::move(name), sdk::TimeUnit::micro, "UTC");
        }
        return;
      case sdk::ColumnType::utf8:
        builder_.add_utf8(std::move(name));
        return;
      default:
        throw sdk::Error::unsupported("column '" + name +
                                      "' has a type clean_convert cannot write");
    }
  }

  static void convert(sdk::ColumnType to, const sdk::ColumnView& col, sdk::ColumnBuilder& out,
                      std::int64_t& nulls) {
    if (col.type() == sdk::ColumnType::float64) {  // whole floats -> int64
      const auto v = col.float64s();
      auto& b = dynamic_cast<sdk::Int64Builder&>(out);
      for (std::int64_t i = 0; i < v.size(); ++i) {
        if (!v.is_valid(i) || std::isnan(v[i])) {
          b.append_null();
        } else {
          b.append(static_cast<std::int64_t>(v[i]));
        }
      }
      return;
    }
    const auto v = col.strings();
    for (std::int64_t i = 0; i < v.size(); ++i) {
      if (!v.is_valid(i)) {
        out.append_null();
        continue;
      }
      std::int64_t n = 0;
      double d = 0;
      bool b = false;
      bool ok = false;
      switch (to) {
        case sdk::ColumnType::int64:
          if ((ok = parse_int64(v[i], n))) dynamic_cast<sdk::Int64Builder&>(out).append(n);
          break;
        case sdk::ColumnType::float64:
          if ((ok = parse_finite(v[i], d))) dynamic_cast<sdk::Float64Builder&>(out).append(d);
          break;
        case sdk::ColumnType::boolean:
          if ((ok = parse_bool_word(v[i], b))) dynamic_cast<sdk::BoolBuilder&>(out).append(b);
          break;
        default:
          if ((ok = parse_iso_timestamp(v[i], n)))
            dynamic_cast<sdk::TimestampBuilder&>(out).append(n);
          break;
      }
      if (!ok) {
        out.append_null();
        ++nulls;
      }
    }
  }

  const ConvertTypes* types_;
  std::vector<int> target_;  // per input column: index into the first pass's columns, or -1
  std::vector<std::int64_t> nulls_;
  sdk::ChunkBuilder builder_;
  std::int64_t rows_ = 0;
};

}  // namespace quarry::clean
