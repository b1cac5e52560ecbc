// Binding filter expressions to a schema and evaluating them row by row.

#include "quarry/filter/row_filter.hpp"
#include "quarry/sdk/iso8601.hpp"

#include "filter/detail/expression.hpp"
#include "io/detail/timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace quarry::filter {
namespace {

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kInt:
      return "integer";
    case Type::kFloat:
      return "number";
    case Type::kBool:
      return "boolean";
    case Type::kString:
      return "string";
    case Type::kTimestamp:
      return "timestamp";
  }
  return "?";
}

Type from_column(io::ColumnType type) {
  switch (type) {
    case io::ColumnType::kInt64:
      return Type::kInt;
    case io::ColumnType::kFloat64:
      return Type::kFloat;
    case io::ColumnType::kBool:
      return Type::kBool;
    case io::ColumnType::kString:
      return Type::kString;
    case io::ColumnType::kTimestamp:
      return Type::kTimestamp;
  }
  return Type::kNull;
}

bool numeric(Type type) {
  return type == Type::kInt || type == Type::kFloat;
}

// Two types that compare with each other (null compares with anything, to unknown).
bool comparable(Type a, Type b) {
  return a == Type::kNull || b == Type::kNull || a == b || (numeric(a) && numeric(b));
}

[[noreturn]] void type_error(const Expression& e, const std::string& what) {
  throw FilterError(fmt::format("filter: {} (at position {})", what, e.position + 1));
}

// A string literal compared with a timestamp becomes a timestamp.
void coerce_to_timestamp(Expression& literal) {
  if (literal.node != Node::kLiteral || literal.type != Type::kString) return;
  const auto micros = sdk::parse_iso8601(literal.text);
  if (!micros) {
    type_error(literal, fmt::format("'{}' is not an ISO 8601 time; write e.g. '2024-03-01' or "
                                    "'2024-03-01T12:00:00Z'",
                                    literal.text));
  }
  literal.literal = {Type::kTimestamp, *micros, 0, {}};
  literal.type = Type::kTimestamp;
}

std::optional<bool> truth(const Value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.type == Type::kBool) return v.i != 0;
  return v.number() != 0;
}

Value boolean(std::optional<bool> b) {
  if (!b) return {};
  return {Type::kBool, *b ? 1 : 0, 0, {}};
}

int compare(const Value& a, const Value& b) {
  if (a.type == Type::kString) return a.s.compare(b.s) < 0 ? -1 : (a.s == b.s ? 0 : 1);
  if ((a.type == Type::kInt && b.type == Type::kInt) || a.type == Type::kTimestamp ||
      a.type == Type::kBool)
    return a.i < b.i ? -1 : (a.i == b.i ? 0 : 1);
  const double x = a.number(), y = b.number();
  return x < y ? -1 : (x == y ? 0 : 1);
}

Op op_code(std::string_view op) {
  static constexpr std::pair<std::string_view, Op> kOps[] = {{"+", Op::kAdd},
                                                             {"-", Op::kSubtract},
                                                             {"*", Op::kMultiply},
                                                             {"/", Op::kDivide},
                                                             {"%", Op::kModulo},
                                                             {"==", Op::kEqual},
                                                             {"!=", Op::kNotEqual},
                                                             {"<", Op::kLess},
                                                             {"<=", Op::kLessEqual},
                                                             {">", Op::kGreater},
                                                             {">=", Op::kGreaterEqual},
                                                             {"contains", Op::kContains},
                                                             {"starts_with", Op::kStartsWith},
                                                             {"ends_with", Op::kEndsWith},
                                                             {"like", Op::kLike}};
  for (const auto& [text, code] : kOps) {
    if (text == op) return code;
  }
  return Op::kNone;
}

//! SQL LIKE: `pattern` matches all of `text`, '%' any run of characters, '_' one character
//! (a UTF-8 code point), everything else itself (case-sensitive, as in standard SQL).
bool like(std::string_view text, std::string_view pattern) {
  const auto next = [](std::string_view s, std::size_t at) {  // one past the code point at `at`
    do ++at;
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80);
    return at;
  };
  std::size_t t = 0, p = 0;
  std::size_t star = std::string_view::npos, resume = 0;  // the last '%' and where it resumes
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star = ++p;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == '_') {
      t = next(text, t);
      ++p;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++t;
      ++p;
    } else if (star != std::string_view::npos) {
      p = star;
      t = resume = next(text, resume);
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace

void Expression::bind(const io::Schema& schema) {
  for (auto& child : children) child->bind(schema);
  code = op_code(op);
  switch (node) {
    case Node::kLiteral:
      if (literal.type == Type::kString) literal.s = text;
      type = literal.type;
      break;
    case Node::kColumn: {
      const auto found = schema.index_of(text);
      if (!found) {
        std::string names;
        for (std::size_t i = 0; i < schema.size(); ++i) names += (i ? ", " : "") + schema[i].name;
        type_error(*this, fmt::format("no column named '{}' (columns: {}); quote names with "
                                      "spaces in double quotes or backticks",
                                      text, names));
      }
      column = *found;
      type = from_column(schema[column].type);
      break;
    }
    case Node::kNegate:
      if (!numeric(children[0]->type) && children[0]->type != Type::kNull)
        type_error(*this, fmt::format("cannot negate a {}", type_name(children[0]->type)));
      type = children[0]->type;
      break;
    case Node::kArithmetic: {
      const Type a = children[0]->type, b = children[1]->type;
      if ((!numeric(a) && a != Type::kNull) || (!numeric(b) && b != Type::kNull))
        type_error(*this, fmt::format("'{}' needs numbers, not {} and {}", op, type_name(a),
                                      type_name(b)));
      type =
          (a == Type::kInt && b == Type::kInt && code != Op::kDivide) ? Type::kInt : Type::kFloat;
      break;
    }
    case Node::kCompare:
    case Node::kIn: {
      const Type left = children[0]->type;
      for (std::size_t i = 1; i < children.size(); ++i) {
        if (left == Type::kTimestamp) coerce_to_timestamp(*children[i]);
        if (children[i]->type == Type::kTimestamp) coerce_to_timestamp(*children[0]);
        if (!comparable(children[0]->type, children[i]->type)) {
          type_error(*this,
                     fmt::format("cannot compare a {} with a {}; quote text values "
                                 "('EU'), leave numbers bare",
                                 type_name(children[0]->type), type_name(children[i]->type)));
        }
      }
      type = Type::kBool;
      break;
    }
    case Node::kStringTest:
      if (children[0]->type != Type::kString || children[1]->type != Type::kString)
        type_error(*this, fmt::format("'{}' compares strings", op));
      type = Type::kBool;
      break;
    case Node::kNot:
    case Node::kAnd:
    case Node::kOr:
    case Node::kIsNull:
      type = Type::kBool;
      break;
  }
}

Value Expression::evaluate(const io::Chunk& chunk, std::int64_t row) const {
  switch (node) {
    case Node::kLiteral:
      return literal;
    case Node::kColumn: {
      const io::Column& c = chunk.column(column);
      if (c.is_null(row)) return {};
      switch (type) {
        case Type::kInt:
        case Type::kTimestamp:
          return {type, c.int64_values()[static_cast<std::size_t>(row)], 0, {}};
        case Type::kFloat: {
          const double f = c.float64_values()[static_cast<std::size_t>(row)];
          if (std::isnan(f)) return {};
          return {Type::kFloat, 0, f, {}};
        }
        case Type::kBool:
          return {Type::kBool, c.bool_value(row) ? 1 : 0, 0, {}};
        case Type::kString:
          return {Type::kString, 0, 0, c.string_value(row)};
        case Type::kNull:
          return {};
      }
      return {};
    }
    case Node::kNegate: {
      Value v = children[0]->evaluate(chunk, row);
      if (v.type == Type::kInt) v.i = -v.i;
      if (v.type == Type::kFloat) v.f = -v.f;
      return v;
    }
    case Node::kArithmetic: {
      const Value a = children[0]->evaluate(chunk, row);
      const Value b = children[1]->evaluate(chunk, row);
      if (a.is_null() || b.is_null()) return {};
      if (type == Type::kInt) {
        switch (code) {
          case Op::kAdd:
            return {Type::kInt, a.i + b.i, 0, {}};
          case Op::kSubtract:
            return {Type::kInt, a.i - b.i, 0, {}};
          case Op::kMultiply:
            return {Type::kInt, a.i * b.i, 0, {}};
          default:
            if (b.i == 0) return {};  // x % 0 is unknown
            return {Type::kInt, a.i % b.i, 0, {}};
        }
      }
      const double x = a.number(), y = b.number();
      double r = 0;
      switch (code) {
        case Op::kAdd:
          r = x + y;
          break;
        case Op::kSubtract:
          r = x - y;
          break;
        case Op::kMultiply:
          r = x * y;
          break;
        case Op::kDivide:
          r = y == 0 ? std::nan("") : x / y;
          break;
        default:
          r = y == 0 ? std::nan("") : std::fmod(x, y);
      }
      if (std::isnan(r)) return {};
      return {Type::kFloat, 0, r, {}};
    }
    case Node::kCompare: {
      const Value a = children[0]->evaluate(chunk, row);
      const Value b = children[1]->evaluate(chunk, row);
      if (a.is_null() || b.is_null()) return {};
      const int c = compare(a, b);
      switch (code) {
        case Op::kEqual:
          return boolean(c == 0);
        case Op::kNotEqual:
          return boolean(c != 0);
        case Op::kLess:
          return boolean(c < 0);
        case Op::kLessEqual:
          return boolean(c <= 0);
        case Op::kGreater:
          return boolean(c > 0);
        default:
          return boolean(c >= 0);
      }
    }
    case Node::kIn: {
      const Value a = children[0]->evaluate(chunk, row);
      if (a.is_null()) return {};
      bool found = false, saw_null = false;
      for (std::size_t i = 1; i < children.size() && !found; ++i) {
        const Value& b = children[i]->literal;
        if (b.is_null())
          saw_null = true;
        else
          found = compare(a, b) == 0;
      }
      if (!found && saw_null) return {};
      return boolean(found != negated);
    }
    case Node::kStringTest: {
      const Value a = children[0]->evaluate(chunk, row);
      const Value b = children[1]->evaluate(chunk, row);
      if (a.is_null() || b.is_null()) return {};
      if (code == Op::kLike) return boolean(like(a.s, b.s) != negated);
      if (code == Op::kContains) return boolean(a.s.find(b.s) != std::string_view::npos);
      if (code == Op::kStartsWith) return boolean(a.s.substr(0, b.s.size()) == b.s);
      return boolean(a.s.size() >= b.s.size() && a.s.substr(a.s.size() - b.s.size()) == b.s);
    }
    case Node::kNot: {
      const auto t = truth(children[0]->evaluate(chunk, row));
      return boolean(t ? std::optional<bool>(!*t) : std::nullopt);
    }
    case Node::kAnd: {
      const auto a = truth(children[0]->evaluate(chunk, row));
      if (a && !*a) return boolean(false);
      const auto b = truth(children[1]->evaluate(chunk, row));
      if (b && !*b) return boolean(false);
      return boolean(a && b ? std::optional<bool>(true) : std::nullopt);
    }
    case Node::kOr: {
      const auto a = truth(children[0]->evaluate(chunk, row));
      if (a && *a) return boolean(true);
      const auto b = truth(children[1]->evaluate(chunk, row));
      if (b && *b) return boolean(true);
      return boolean(a && b ? std::optional<bool>(false) : std::nullopt);
    }
    case Node::kIsNull:
      return boolean(children[0]->evaluate(chunk, row).is_null() != negated);
  }
  return {};
}

RowFilter::RowFilter(const std::string& text, const io::Schema& schema) : root_(parse(text)) {
  root_->bind(schema);
  if (root_->type != Type::kBool && root_->type != Type::kNull)
    throw FilterError(
        fmt::format("filter: \"{}\" is a {}, not a condition; compare it, e.g. "
                    "x > 0",
                    text, type_name(root_->type)));
}

RowFilter::~RowFilter() = default;
RowFilter::RowFilter(RowFilter&&) noexcept = default;
RowFilter& RowFilter::operator=(RowFilter&&) noexcept = default;

std::vector<bool> RowFilter::matches(const io::Chunk& chunk) const {
  std::vector<bool> keep(static_cast<std::size_t>(chunk.num_rows()));
  for (std::int64_t row = 0; row < chunk.num_rows(); ++row) {
    const auto t = truth(root_->evaluate(chunk, row));
    keep[static_cast<std::size_t>(row)] = t.value_or(false);
  }
  return keep;
}

std::shared_ptr<const io::Chunk> RowFilter::apply(const io::Chunk& chunk) const {
  const auto keep = matches(chunk);
  const auto kept = static_cast<std::int64_t>(std::count(keep.begin(), keep.end(), true));
  io::ChunkBuilder builder(chunk.schema_ptr(), kept);
  for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
    const io::Column& in = chunk.column(c);
    io::ColumnBuilder& out = builder.column(c);
    const auto type = chunk.schema()[c].type;
    for (std::int64_t row = 0; row < chunk.num_rows(); ++row) {
      if (!keep[static_cast<std::size_t>(row)]) continue;
      if (in.is_null(row)) {
        out.append_null();
        continue;
      }
      switch (type) {
        case io::ColumnType::kInt64:
        case io::ColumnType::kTimestamp:
          out.append_int64(in.int64_values()[static_cast<std::size_t>(row)]);
          break;
        case io::ColumnType::kFloat64:
          out.append_float64(in.float64_values()[static_cast<std::size_t>(row)]);
          break;
        case io::ColumnType::kBool:
          out.append_bool(in.bool_value(row));
          break;
        case io::ColumnType::kString:
          out.append_string(in.string_value(row));
          break;
      }
    }
  }
  return builder.finish(chunk.sequence(), kept);
}

}  // namespace quarry::filter
