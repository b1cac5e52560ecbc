#pragma once
//! \file
//! clean_normalize: per text column, Unicode normalization, trimming, whitespace collapsing,
//! case mapping, and parsing into dates/times (ISO 8601 text), numbers (thousands separators,
//! currency signs, parenthesised negatives) or booleans. Row-wise, so chunks run in
//! parallel; the stage is mergeable only for its counts.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <utf8proc.h>

#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/datetime_format.hpp"
#include "detail/format.hpp"
#include "detail/parse.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! What to do to one text column.
struct NormalizeSpec {
  ColumnRef ref;
  std::string unicode;  //!< "", NFC, NFD, NFKC, NFKD
  bool trim = false;
  bool collapse = false;
  std::string letter_case;  //!< "", lower, upper, fold
  std::string parse;        //!< "", date, number, bool
  std::vector<std::string> formats;
  char thousands = ',';
  char decimal = '.';
  std::vector<std::string> true_words;   //!< besides parse_bool_word's, trimmed
  std::vector<std::string> false_words;  //!< besides parse_bool_word's, trimmed
  //! The share of the values that must parse, or the call fails.
  double min_share = 0.5;
  //! The reader already gave the column the type `parse` asks for (a timestamp for date,
  //! a number for number, a boolean for bool) and no text operation is asked: its values
  //! pass through unchanged.
  bool already_parsed = false;
};

//! Counts of one column, mergeable.
struct NormalizeCounts {
  std::int64_t values = 0;                      //!< non-null values seen
  std::int64_t changed = 0;                     //!< values whose text changed (before parsing)
  std::int64_t parsed = 0;                      //!< values parsed
  std::int64_t failed = 0;                      //!< values that did not parse (written as null)
  std::set<std::string> examples;               //!< the smallest few that failed
  std::map<std::string, std::int64_t> formats;  //!< date formats used
  //! Dates read month-first by a detected format that fit day-first too (01/02/2024), and
  //! the smallest of them.
  std::int64_t ambiguous = 0;
  std::string ambiguous_example;
  void merge(const NormalizeCounts& o) {
    values += o.values;
    changed += o.changed;
    parsed += o.parsed;
    failed += o.failed;
    for (const auto& e : o.examples) note(e);
    for (const auto& [f, n] : o.formats) formats[f] += n;
    ambiguous += o.ambiguous;
    keep_least(ambiguous_example, o.ambiguous_example);
  }
  //! Counts `text`, read as `d` by detected format `format`, when day-first would read it
  //! as another date.
  void note_order(std::string_view format, const DateTime& d, std::string_view text) {
    if (format.substr(0, 5) != "%m/%d" || d.day > 12 || d.day == d.month) return;
    ++ambiguous;
    keep_least(ambiguous_example, text);
  }
  void note(const std::string& e) {
    examples.insert(e);
    if (examples.size() > 3) examples.erase(std::prev(examples.end()));
  }
};

//! Applies utf8proc option flags to `s` (NFC/NFKC/case folding); `s` unchanged on error.
inline std::string utf8proc_apply(std::string_view s, int options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &out,
                                          static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::string(s);  // invalid UTF-8: leave it as it is
  std::string result(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return result;
}

//! Lower- or upper-cases every code point of `s` (simple case mapping).
inline std::string map_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return std::string(s);
    cp = upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t w = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(w));
    p += n;
    left -= n;
  }
  return out;
}

//! True for the blanks trim and collapse remove: ASCII white space and U+00A0 (no-break space).
inline std::size_t blank_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  return 0;
}

//! The clean_normalize stage (mergeable transform: chunks in parallel, counts merged).
class NormalizeStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  //! Reads {"columns": {name: {unicode, trim, collapse_whitespace, case, parse, formats,
  //! thousands, decimal}}}; only text columns may be named.
  NormalizeStage(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input) {
    const json spec = args.get<json>("columns");
    if (!spec.is_object() || spec.empty()) {
      throw sdk::Error::invalid_argument(
          "'columns' must name at least one text column: {\"name\": {\"trim\": true}}");
    }
    for (const auto& [name, ops] : spec.items()) specs_.push_back(parse_spec(name, ops, input));
    counts_.resize(specs_.size());
    target_.assign(static_cast<std::size_t>(input.columns()), -1);
    for (std::size_t s = 0; s < specs_.size(); ++s)
      target_[static_cast<std::size_t>(specs_[s].ref.index)] = static_cast<int>(s);
    for (std::int64_t c = 0; c < input.columns(); ++c) {
      const int s = target_[static_cast<std::size_t>(c)];
      const sdk::FieldView f = input.field(c);
      const bool retype = s >= 0 && !specs_[static_cast<std::size_t>(s)].already_parsed;
      const std::string parse = retype ? specs_[static_cast<std::size_t>(s)].parse : "";
      builder_.add_like(f, parse == "number" ? std::optional(sdk::ColumnType::float64)
                           : parse == "bool" ? std::optional(sdk::ColumnType::boolean)
                                             : std::nullopt);
    }
  }

  //! Normalizes one chunk.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    rows_ += chunk.rows();
    const RowSelection all{nullptr, chunk.rows()};
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      const int s = target_[static_cast<std::size_t>(c)];
      if (s < 0) {
        copy_column(builder_.column(c), chunk.column(c), all);
      } else if (specs_[static_cast<std::size_t>(s)].already_parsed) {
        NormalizeCounts& n = counts_[static_cast<std::size_t>(s)];
        const std::int64_t values = chunk.rows() - chunk.column(c).null_count();
        n.values += values;
        n.parsed += values;
        copy_column(builder_.column(c), chunk.column(c), all);
      } else {
        normalize_column(specs_[static_cast<std::size_t>(s)], counts_[static_cast<std::size_t>(s)],
                         chunk.column(c), builder_.column(c));
      }
    }
    return builder_.finish();
  }

  //! Folds another worker's counts in.
  void merge(NormalizeStage& other, sdk::Call&) {
    rows_ += other.rows_;
    for (std::size_t s = 0; s < counts_.size(); ++s) counts_[s].merge(other.counts_[s]);
  }

  //! The report: per column what changed, parsed and failed. Fails, so that no output is
  //! written, when a column's values parse less often than its min_share asks.
  sdk::Result finish(sdk::Call&) const {
    for (std::size_t s = 0; s < specs_.size(); ++s) check_share(specs_[s], counts_[s]);
    json columns = json::array();
    std::vector<std::vector<std::string>> table;
    for (std::size_t s = 0; s < specs_.size(); ++s) {
      const NormalizeSpec& sp = specs_[s];
      const NormalizeCounts& n = counts_[s];
      json e = {{"name", sp.ref.name},
                {"values", n.values},
                {"changed", n.changed},
                {"parse", sp.parse.empty() ? json(nullptr) : json(sp.parse)},
                {"parsed", n.parsed},
                {"failed", n.failed},
                {"failed_examples",
                 json(std::vector<std::string>(n.examples.begin(), n.examples.end()))}};
      if (!n.formats.empty()) e["formats_used"] = n.formats;
      if (std::string mixed = mixed_order_note(n); !mixed.empty()) {
        e["ambiguous"] = n.ambiguous;
        e["note"] = std::move(mixed);
      }
      if (sp.already_parsed) {
        e["note"] = "already " + std::string(sdk::type_name(sp.ref.type)) +
                    " when read: values passed through unchanged";
      }
      table.push_back({sp.ref.name, std::to_string(n.values), std::to_string(n.changed),
                       sp.parse.empty() ? "-" : sp.parse, std::to_string(n.parsed),
                       std::to_string(n.failed)});
      columns.push_back(std::move(e));
    }
    json data = {{"rows", rows_}, {"columns", columns}};
    std::string text =
        "clean_normalize: " + std::to_string(rows_) + " rows\n" +
        sdk::text_table({"column", "values", "changed", "parse", "parsed", "failed (null)"}, table);
    for (const json& e : columns) {
      if (e.contains("note"))
        text += e["name"].get<std::string>() + ": " + e["note"].get<std::string>() + "\n";
    }
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  //! The warning for a column whose dates were read both day-first (values month-first cannot
  //! read, 15/03/2024) and month-first where either order fits (01/02/2024, as pandas reads
  //! it): one column seldom mixes the orders, so the latter are most likely wrong; or "".
  static std::string mixed_order_note(const NormalizeCounts& n) {
    std::int64_t day_first = 0;
    for (const auto& [format, count] : n.formats) {
      if (format.substr(0, 5) == "%d/%m") day_first += count;
    }
    if (day_first == 0 || n.ambiguous == 0) return "";
    return std::to_string(day_first) +
           " dates only day-first can read (%d/%m/...) were read so, while " +
           std::to_string(n.ambiguous) + " that fit both orders (e.g. " + n.ambiguous_example +
           ") were read month-first, as pandas does: the column mixes the orders, or its "
           "ambiguous dates are wrong; if it is day-first, pass formats [\"%d/%m/%Y\"] (and "
           "the time formats it uses), and check the output";
  }

  //! Throws when fewer of the column's values parsed than `s.min_share` asks: writing the
  //! rest as nulls would quietly lose the column.
  static void check_share(const NormalizeSpec& s, const NormalizeCounts& n) {
    if (s.parse.empty() || s.already_parsed || n.values == 0) return;
    const double share = static_cast<double>(n.parsed) / static_cast<double>(n.values);
    if (share >= s.min_share) return;
    std::string examples;
    for (const auto& e : n.examples) examples += (examples.empty() ? "" : ", ") + json(e).dump();
    std::string fix;
    if (s.parse == "bool") {
      fix =
          "name the words with true_values and false_values (e.g. {\"parse\": \"bool\", "
          "\"true_values\": [\"ja\"], \"false_values\": [\"nein\"]})";
    } else if (s.parse == "number") {
      fix =
          "set thousands and decimal as the file writes them (e.g. thousands \".\" and "
          "decimal \",\" for 1.234,5)";
    } else {
      fix =
          "give the formats the column uses in 'formats' (strptime style, e.g. "
          "[\"%d.%m.%Y\", \"%d.%m.%Y %H:%M\"])";
    }
    throw sdk::Error::invalid_argument(
        "column '" + s.ref.name + "': only " + std::to_string(n.parsed) + " of " +
        std::to_string(n.values) + " values parsed as " + s.parse + " (failed: " + examples +
        "), less than min_share " + short_text(s.min_share) +
        "; writing the rest as nulls would lose them, so nothing was written. Fix: " + fix +
        ", or pass min_share 0 to accept the nulls");
  }

  static NormalizeSpec parse_spec(const std::string& name, const json& ops,
                                  const sdk::SchemaView& schema) {
    NormalizeSpec s;
    s.ref = require_column(schema, name, "columns");
    if (!ops.is_object())
      throw sdk::Error::invalid_argument("columns." + name + " must be an object of operations");
    if (s.ref.type != sdk::ColumnType::utf8) {
      s.already_parsed = already_parsed(s.ref.type, ops);
      if (!s.already_parsed) {
        throw sdk::Error::invalid_argument(
            "column '" + name + "' is " + std::string(sdk::type_name(s.ref.type)) +
            "; clean_normalize works on text columns (read it with column_types "
            "{\"" +
            name + "\": \"string\"} to normalize it as text)");
      }
    }
    s.unicode = ops.value("unicode", "");
    s.trim = ops.value("trim", false);
    s.collapse = ops.value("collapse_whitespace", false);
    s.letter_case = ops.value("case", "");
    s.parse = ops.value("parse", "");
    if (ops.contains("formats")) s.formats = ops.at("formats").get<std::vector<std::string>>();
    const std::string thousands = ops.value("thousands", ",");
    const std::string decimal = ops.value("decimal", ".");
    if (thousands.size() > 1 || decimal.size() != 1 || thousands == decimal) {
      throw sdk::Error::invalid_argument(
          "columns." + name +
          ": thousands (one character or \"\") and decimal (one character) must differ");
    }
    s.thousands = thousands.empty() ? '\0' : thousands[0];
    s.true_words = listed_words(ops, "true_values");
    s.false_words = listed_words(ops, "false_values");
    for (const auto& word : s.true_words) {
      if (std::any_of(s.false_words.begin(), s.false_words.end(),
                      [&](const std::string& f) { return iequals(f, word); })) {
        throw sdk::Error::invalid_argument("columns." + name + ": \"" + word +
                                           "\" is in both true_values and false_values");
      }
    }
    s.min_share = ops.value("min_share", 0.5);
    s.decimal = decimal[0];
    for (const auto& f : s.formats) {
      if (f.find('%') == std::string::npos) {
        throw sdk::Error::invalid_argument("columns." + name + ": date format \"" + f +
                                           "\" has no % fields (use e.g. \"%d/%m/%Y\")");
      }
    }
    return s;
  }

  //! True when `ops` only asks to parse a column of `type` into the type it already has.
  static bool already_parsed(sdk::ColumnType type, const json& ops) {
    if (ops.size() != 1 || !ops.contains("parse") || !ops.at("parse").is_string()) return false;
    const std::string parse = ops.at("parse").get<std::string>();
    return (parse == "date" && type == sdk::ColumnType::timestamp) ||
           (parse == "number" &&
            (type == sdk::ColumnType::int64 || type == sdk::ColumnType::float64)) ||
           (parse == "bool" && type == sdk::ColumnType::boolean);
  }

  static std::string clean_text(const NormalizeSpec& s, std::string_view in) {
    std::string t(in);
    if (s.unicode == "NFC") t = utf8proc_apply(t, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (s.unicode == "NFD") t = utf8proc_apply(t, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
    if (s.unicode == "NFKC")
      t = utf8proc_apply(t, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (s.unicode == "NFKD")
      t = utf8proc_apply(t, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
    if (s.collapse) {  // each run of blanks becomes one space
      std::string out;
      out.reserve(t.size());
      for (std::size_t i = 0; i < t.size();) {
        const std::size_t b = blank_at(t, i);
        if (b == 0) {
          out += t[i++];
          continue;
        }
        out += ' ';
        while (i < t.size() && blank_at(t, i) > 0) i += blank_at(t, i);
      }
      t = std::move(out);
    }
    if (s.trim) {
      std::size_t a = 0;
      while (a < t.size() && blank_at(t, a) > 0) a += blank_at(t, a);
      std::size_t z = t.size();
      while (z > a) {
        if (blank_at(t, z - 1) == 1) {
          --z;
        } else if (z - a >= 2 && blank_at(t, z - 2) == 2) {
          z -= 2;
        } else {
          break;
        }
      }
      t = t.substr(a, z - a);
    }
    if (s.letter_case == "lower") t = map_case(t, false);
    if (s.letter_case == "upper") t = map_case(t, true);
    // Folding alone, without composing: normalization is the separate "unicode" option.
    if (s.letter_case == "fold") t = utf8proc_apply(t, UTF8PROC_CASEFOLD);
    return t;
  }

  void normalize_column(const NormalizeSpec& s, NormalizeCounts& n, const sdk::ColumnView& col,
                        sdk::ColumnBuilder& out) {
    const auto v = col.strings();
    for (std::int64_t i = 0; i < col.size(); ++i) {
      if (!v.is_valid(i)) {
        out.append_null();
        continue;
      }
      ++n.values;
      const std::string t = clean_text(s, v[i]);
      if (t != v[i]) ++n.changed;
      if (s.parse.empty()) {
        dynamic_cast<sdk::StringBuilder&>(out).append(t);
      } else if (!parse_into(s, n, t, out)) {
        ++n.failed;
        n.note(clip_text(t, 60));
        out.append_null();
      } else {
        ++n.parsed;
      }
    }
  }

  //! The words of `ops[key]` (true_values, false_values), trimmed once here rather than for
  //! every value compared with them.
  static std::vector<std::string> listed_words(const json& ops, const char* key) {
    std::vector<std::string> words;
    if (!ops.contains(key)) return words;
    for (const auto& word : ops.at(key).get<std::vector<std::string>>())
      words.emplace_back(trim_blanks(word));
    return words;
  }

  //! Reads `t` as one of the column's own true_values or false_values (any case).
  static bool parse_listed_word(const NormalizeSpec& s, std::string_view t, bool& out) {
    const std::string_view text = trim_blanks(t);
    const auto listed = [&](const std::vector<std::string>& words) {
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& w) { return iequals(text, w); });
    };
    if (listed(s.true_words)) return out = true, true;
    if (listed(s.false_words)) return out = false, true;
    return false;
  }

  static bool parse_into(const NormalizeSpec& s, NormalizeCounts& n, const std::string& t,
                         sdk::ColumnBuilder& out) {
    if (s.parse == "number") {
      double x = 0;
      if (!parse_human_number(t, s.thousands, s.decimal, x)) return false;
      dynamic_cast<sdk::Float64Builder&>(out).append(x);
      return true;
    }
    if (s.parse == "bool") {
      bool b = false;
      if (t == "1" || t == "0") {
        b = t == "1";
      } else if (!parse_bool_word(t, b) && !parse_listed_word(s, t, b)) {
        return false;
      }
      dynamic_cast<sdk::BoolBuilder&>(out).append(b);
      return true;
    }
    const std::vector<std::string>& formats = s.formats.empty() ? detected_formats() : s.formats;
    DateTime d;
    for (const auto& f : formats) {
      if (parse_datetime(t, f, d)) {
        dynamic_cast<sdk::StringBuilder&>(out).append(iso_text(d));
        n.formats[f] += 1;
        if (s.formats.empty()) n.note_order(f, d, t);
        return true;
      }
    }
    return false;
  }

  std::vector<NormalizeSpec> specs_;
  std::vector<NormalizeCounts> counts_;
  std::vector<int> target_;  // per input column: index into specs_, or -1
  sdk::ChunkBuilder builder_;
  std::int64_t rows_ = 0;
};

}  // namespace quarry::clean
