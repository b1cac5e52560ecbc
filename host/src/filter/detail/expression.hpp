#pragma once
// Private to the filter library: the expression tree, its values and its parser.

#include "quarry/filter/row_filter.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::filter {

//! The type of a value or subexpression.
enum class Type { kNull, kInt, kFloat, kBool, kString, kTimestamp };

//! One evaluated value; strings borrow from the chunk or the expression.
struct Value {
  Type type = Type::kNull;
  std::int64_t i = 0;  // kInt, kTimestamp (microseconds), kBool (0/1)
  double f = 0;        // kFloat
  std::string_view s;  // kString

  [[nodiscard]] bool is_null() const { return type == Type::kNull; }
  [[nodiscard]] double number() const { return type == Type::kFloat ? f : static_cast<double>(i); }
};

//! What a node is.
enum class Node {
  kLiteral,
  kColumn,
  kNegate,
  kNot,
  kArithmetic,  // op: + - * / %
  kCompare,     // op: == != < <= > >=
  kAnd,
  kOr,
  kIsNull,      // negated: is not null
  kIn,          // negated: not in; children[1..] are literals
  kStringTest,  // op: contains, starts_with, ends_with, like (negated: not like)
};

//! An operator, resolved from its text once when the tree is bound.
enum class Op {
  kNone,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kContains,
  kStartsWith,
  kEndsWith,
  kLike,
};

//! One node of the tree. Parsed unbound (columns by name), then bound to a schema.
class Expression {
 public:
  Node node = Node::kLiteral;
  std::string op;  // as written (normalised), for messages
  Op code = Op::kNone;
  bool negated = false;
  std::size_t position = 0;  // in the text, for messages
  std::vector<std::unique_ptr<Expression>> children;
  // kLiteral
  Value literal;
  std::string text;  // a string literal's bytes, or a column's name
  // kColumn, after binding
  std::size_t column = 0;
  // after binding
  Type type = Type::kNull;

  //! Resolves columns against `schema` and checks types; throws FilterError.
  void bind(const io::Schema& schema);
  //! The value for row `row` of `chunk`.
  [[nodiscard]] Value evaluate(const io::Chunk& chunk, std::int64_t row) const;
};

//! Parses `text` into an unbound tree; throws FilterError naming the position.
[[nodiscard]] std::unique_ptr<Expression> parse(std::string_view text);

}  // namespace quarry::filter
