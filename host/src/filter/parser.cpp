// The filter language's lexer and recursive-descent parser (see row_filter.hpp).

#include "filter/detail/expression.hpp"
#include "quarry/filter/row_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace quarry::filter {
namespace {

enum class Token { kEnd, kNumber, kString, kName, kQuotedName, kSymbol };

struct Lexeme {
  Token token = Token::kEnd;
  std::string text;
  std::size_t position = 0;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  std::unique_ptr<Expression> parse_all() {
    auto root = parse_or();
    if (current_.token != Token::kEnd) fail("unexpected '" + current_.text + "'");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FilterError(
        fmt::format("filter: {} at position {} of \"{}\"; write e.g. "
                    "price > 10 and region == 'EU'",
                    what, current_.position + 1, text_));
  }

  void advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    current_ = Lexeme{Token::kEnd, "", pos_};
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      std::size_t end = pos_;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.' ||
              ((text_[end] == '+' || text_[end] == '-') &&
               (text_[end - 1] == 'e' || text_[end - 1] == 'E'))))
        ++end;
      current_ = {Token::kNumber, std::string(text_.substr(pos_, end - pos_)), pos_};
      pos_ = end;
    } else if (c == '\'' || c == '"' || c == '`') {
      std::string value;
      std::size_t i = pos_ + 1;
      for (;; ++i) {
        if (i >= text_.size()) fail(fmt::format("unterminated {}...{}", c, c));
        if (text_[i] == c) {
          if (i + 1 < text_.size() && text_[i + 1] == c) {  // doubled quote
            value += c;
            ++i;
            continue;
          }
          break;
        }
        value += text_[i];
      }
      current_ = {c == '\'' ? Token::kString : Token::kQuotedName, value, pos_};
      pos_ = i + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = pos_;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
        ++end;
      current_ = {Token::kName, std::string(text_.substr(pos_, end - pos_)), pos_};
      pos_ = end;
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", "<>", "<=", ">=", "&&", "||"};
      for (auto symbol : kTwo) {
        if (text_.substr(pos_, 2) == symbol) {
          current_ = {Token::kSymbol, std::string(symbol), pos_};
          pos_ += 2;
          return;
        }
      }
      if (std::string_view("=<>+-*/%()!,").find(c) == std::string_view::npos)
        fail(fmt::format("unexpected character '{}'", c));
      current_ = {Token::kSymbol, std::string(1, c), pos_};
      ++pos_;
    }
  }

  bool keyword(std::string_view word) const {
    return current_.token == Token::kName && lower(current_.text) == word;
  }
  bool symbol(std::string_view s) const {
    return current_.token == Token::kSymbol && current_.text == s;
  }
  void expect_symbol(std::string_view s) {
    if (!symbol(s)) fail(fmt::format("expected '{}'", s));
    advance();
  }

  std::unique_ptr<Expression> node(Node kind, std::string op = {}) const {
    auto e = std::make_unique<Expression>();
    e->node = kind;
    e->op = std::move(op);
    e->position = current_.position;
    return e;
  }

  //! A copy of the unbound tree `e` (for `between`, which tests its left side twice).
  static std::unique_ptr<Expression> clone(const Expression& e) {
    auto copy = std::make_unique<Expression>();
    copy->node = e.node;
    copy->op = e.op;
    copy->negated = e.negated;
    copy->position = e.position;
    copy->literal = e.literal;
    copy->text = e.text;
    for (const auto& child : e.children) copy->children.push_back(clone(*child));
    return copy;
  }

  std::unique_ptr<Expression> binary(Node kind, std::string op, std::unique_ptr<Expression> left,
                                     std::unique_ptr<Expression> right) const {
    auto e = node(kind, std::move(op));
    e->position = left->position;
    e->children.push_back(std::move(left));
    e->children.push_back(std::move(right));
    return e;
  }

  std::unique_ptr<Expression> parse_or() {
    auto left = parse_and();
    while (keyword("or") || symbol("||")) {
      advance();
      left = binary(Node::kOr, "or", std::move(left), parse_and());
    }
    return left;
  }

  std::unique_ptr<Expression> parse_and() {
    auto left = parse_not();
    while (keyword("and") || symbol("&&")) {
      advance();
      left = binary(Node::kAnd, "and", std::move(left), parse_not());
    }
    return left;
  }

  std::unique_ptr<Expression> parse_not() {
    if (keyword("not") || symbol("!")) {
      auto e = node(Node::kNot);
      advance();
      e->children.push_back(parse_not());
      return e;
    }
    return parse_comparison();
  }

  std::unique_ptr<Expression> parse_comparison() {
    auto left = parse_sum();
    static constexpr std::string_view kCompare[] = {"==", "=", "!=", "<>", "<", "<=", ">", ">="};
    for (auto op : kCompare) {
      if (symbol(op)) {
        std::string normal = op == "=" ? "==" : op == "<>" ? "!=" : std::string(op);
        advance();
        return binary(Node::kCompare, std::move(normal), std::move(left), parse_sum());
      }
    }
    if (keyword("is")) {
      auto e = node(Node::kIsNull);
      advance();
      if (keyword("not")) {
        e->negated = true;
        advance();
      }
      if (!keyword("null")) fail("expected 'null' after 'is'");
      advance();
      e->children.push_back(std::move(left));
      return e;
    }
    bool negated = false;
    if (keyword("not")) {
      negated = true;
      advance();
      if (!keyword("in") && !keyword("like") && !keyword("between")) {
        fail("expected 'in', 'like' or 'between' after 'not'");
      }
    }
    if (keyword("between")) {
      // x between a and b is x >= a and x <= b (SQL, bounds included).
      advance();
      auto low = parse_sum();
      if (!keyword("and")) fail("expected 'and' between the bounds of 'between'");
      advance();
      auto high = parse_sum();
      auto copy = clone(*left);
      auto e =
          binary(Node::kAnd, "and", binary(Node::kCompare, ">=", std::move(left), std::move(low)),
                 binary(Node::kCompare, "<=", std::move(copy), std::move(high)));
      if (!negated) return e;
      auto n = node(Node::kNot);
      n->position = e->position;
      n->children.push_back(std::move(e));
      return n;
    }
    if (keyword("like")) {
      advance();
      auto e = binary(Node::kStringTest, "like", std::move(left), parse_sum());
      e->negated = negated;
      return e;
    }
    if (keyword("in")) {
      auto e = node(Node::kIn);
      e->negated = negated;
      advance();
      expect_symbol("(");
      e->children.push_back(std::move(left));
      do {
        e->children.push_back(parse_unary());
        if (e->children.back()->node != Node::kLiteral) fail("'in' takes a list of literal values");
      } while (symbol(",") && (advance(), true));
      expect_symbol(")");
      return e;
    }
    for (std::string_view test : {"contains", "starts_with", "ends_with"}) {
      if (keyword(test)) {
        advance();
        return binary(Node::kStringTest, std::string(test), std::move(left), parse_sum());
      }
    }
    return left;
  }

  std::unique_ptr<Expression> parse_sum() {
    auto left = parse_product();
    while (symbol("+") || symbol("-")) {
      std::string op = current_.text;
      advance();
      left = binary(Node::kArithmetic, std::move(op), std::move(left), parse_product());
    }
    return left;
  }

  std::unique_ptr<Expression> parse_product() {
    auto left = parse_unary();
    while (symbol("*") || symbol("/") || symbol("%")) {
      std::string op = current_.text;
      advance();
      left = binary(Node::kArithmetic, std::move(op), std::move(left), parse_unary());
    }
    return left;
  }

  std::unique_ptr<Expression> parse_unary() {
    if (symbol("-")) {
      auto e = node(Node::kNegate);
      advance();
      e->children.push_back(parse_unary());
      return e;
    }
    return parse_primary();
  }

  std::unique_ptr<Expression> parse_primary() {
    if (symbol("(")) {
      advance();
      auto inner = parse_or();
      expect_symbol(")");
      return inner;
    }
    auto e = node(Node::kLiteral);
    switch (current_.token) {
      case Token::kNumber:
        e->literal = number(current_.text);
        break;
      case Token::kString:
        e->text = current_.text;
        e->literal.type = Type::kString;
        break;
      case Token::kQuotedName:
        e->node = Node::kColumn;
        e->text = current_.text;
        break;
      case Token::kName: {
        const std::string word = lower(current_.text);
        if (word == "true" || word == "false") {
          e->literal = {Type::kBool, word == "true" ? 1 : 0, 0, {}};
        } else if (word == "null") {
          e->literal = {};
        } else {
          e->node = Node::kColumn;
          e->text = current_.text;
        }
        break;
      }
      default:
        fail(current_.token == Token::kEnd ? "the expression ends too early"
                                           : "expected a value or a column");
    }
    advance();
    return e;
  }

  Value number(const std::string& text) const {
    Value value;
    std::int64_t i = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (error == std::errc() && end == text.data() + text.size()) {
      value.type = Type::kInt;
      value.i = i;
      return value;
    }
    double f = 0;
    auto [fend, ferror] = std::from_chars(text.data(), text.data() + text.size(), f);
    if (ferror != std::errc() || fend != text.data() + text.size())
      fail("'" + text + "' is not a number");
    value.type = Type::kFloat;
    value.f = f;
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Lexeme current_;
};

}  // namespace

std::unique_ptr<Expression> parse(std::string_view text) {
  return Parser(text).parse_all();
}

void check_syntax(const std::string& text) {
  (void)parse(text);
}

namespace {

void collect_columns(const Expression& node, std::vector<std::string>& names) {
  if (node.node == Node::kColumn &&
      std::find(names.begin(), names.end(), node.text) == names.end()) {
    names.push_back(node.text);
  }
  for (const auto& child : node.children) collect_columns(*child, names);
}

}  // namespace

std::vector<std::string> referenced_columns(const std::string& text) {
  std::vector<std::string> names;
  collect_columns(*parse(text), names);
  return names;
}

}  // namespace quarry::filter
