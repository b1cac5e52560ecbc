//! Unit tests for io/detail/flat_json.hpp: on every line it takes, the fast reader gives the
//! members nlohmann::json's parser gives (the reference: same keys, order, types and values);
//! every line that is not a valid flat object it declines, so the full parser judges it.

#include "io/detail/flat_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace quarry::io::detail {
namespace {

using Json = nlohmann::ordered_json;

//! The members nlohmann::json parses `text` into (it must be an object).
std::vector<JsonMember> reference(std::string_view text) {
  const Json object = Json::parse(text.begin(), text.end());
  std::vector<JsonMember> members;
  for (const auto& [key, value] : object.items()) members.push_back({key, value});
  return members;
}

void expect_same_as_reference(const std::string& line) {
  std::vector<JsonMember> fast;
  ASSERT_TRUE(read_flat_object(line, fast)) << line;
  const std::vector<JsonMember> slow = reference(line);
  ASSERT_EQ(fast.size(), slow.size()) << line;
  for (std::size_t i = 0; i < fast.size(); ++i) {
    EXPECT_EQ(fast[i].key, slow[i].key) << line;
    EXPECT_EQ(fast[i].value.type(), slow[i].value.type()) << line << " member " << i;
    EXPECT_EQ(fast[i].value, slow[i].value) << line << " member " << i;
  }
}

TEST(FlatJson, TakesFlatObjectsExactlyAsTheFullParserReadsThem) {
  const std::vector<std::string> lines = {
      R"({})",
      R"(  { "a" : 1 , "b":-2,"c":0,"d":-0, "e": 1.5 }  )",
      R"({"big": 18446744073709551615, "bigger": 18446744073709551616, "min": -9223372036854775808, "below": -9223372036854775809})",
      R"({"f": 1e5, "g": 1E-5, "h": -0.0, "i": 2.5e+300, "j": 4.9e-324, "k": 0.1, "l": 123456789012345678901234567890.5})",
      R"({"underflow": 1e-400, "negative": -1e-400})",
      R"({"t": true, "f": false, "n": null})",
      R"({"s": "plain", "e": "", "esc": "q\"b\\s\/n\nr\rt\tb\bf\f", "u": "\u00e9\u20AC\ud83d\ude00"})",
      R"({"utf8": "Zürich €", "nested": {"x": [1, {"y": "}"}]}, "arr": [1, "]", 2], "after": 3})",
      "{\"cr\": 1}\r",
  };
  for (const auto& line : lines) expect_same_as_reference(line);
}

// Random flat objects: random keys, integers of every size, doubles printed at full and
// short precision, strings with escapes, booleans and nulls.
TEST(FlatJson, RandomFlatObjectsMatchTheFullParser) {
  std::mt19937_64 rng(20261125);
  std::uniform_int_distribution<int> kind(0, 6);
  for (int round = 0; round < 2000; ++round) {
    Json object = Json::object();
    const int members = static_cast<int>(rng() % 12);
    for (int m = 0; m < members; ++m) {
      const std::string key = "k" + std::to_string(m) + (rng() % 3 == 0 ? "\"\\\u00e9" : "");
      switch (kind(rng)) {
        case 0:
          object[key] = static_cast<std::int64_t>(rng());
          break;
        case 1:
          object[key] = rng();
          break;
        case 2:
          object[key] = std::ldexp(static_cast<double>(rng()), static_cast<int>(rng() % 200) - 100);
          break;
        case 3:
          object[key] =
              static_cast<double>(static_cast<std::int64_t>(rng() % 2000000) - 1000000) / 1000;
          break;
        case 4:
          object[key] =
              std::string("line\nbreak \"quoted\" \\ tab\t") + std::to_string(rng() % 100);
          break;
        case 5:
          object[key] = rng() % 2 == 0;
          break;
        default:
          object[key] = nullptr;
      }
    }
    expect_same_as_reference(object.dump(rng() % 2 == 0 ? -1 : 1));
  }
}

TEST(FlatJson, DeclinesWhatIsNotAValidFlatObject) {
  const std::vector<std::string> lines = {
      "",
      "[1, 2]",
      "1",
      "\"text\"",
      "{",
      "{\"a\" 1}",
      "{\"a\": }",
      "{\"a\": 1,}",
      "{\"a\": 1} x",
      "{\"a\": 01}",
      "{\"a\": 1.}",
      "{\"a\": .5}",
      "{\"a\": +1}",
      "{\"a\": 1e}",
      "{\"a\": NaN}",
      "{\"a\": Infinity}",
      "{\"a\": tru}",
      "{\"a\": \"unterminated}",
      "{\"a\": \"bad \\x escape\"}",
      "{\"a\": \"lone \\udc00\"}",
      "{\"a\": \"high \\ud83d alone\"}",
      "{\"a\": \"control \x01 char\"}",
      "{\"a\": {\"unclosed\": 1}",
      "{\"a\": [1, 2}",
      "{\"dup\": 1, \"dup\": 2}",
      "{'single': 1}",
  };
  for (const auto& line : lines) {
    std::vector<JsonMember> members;
    EXPECT_FALSE(read_flat_object(line, members)) << line;
  }
}

// Valid JSON whose numbers are beyond the double range (which nlohmann::json refuses) reads as
// Python's json reads it: ±inf above, 0 below.
TEST(FlatJson, NumbersBeyondTheDoubleRangeReadAsInfinityOrZero) {
  std::vector<JsonMember> members;
  ASSERT_TRUE(read_flat_object(R"({"big": 1e400, "small": -2.5e999, "tiny": 1e-400})", members));
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].value.get<double>(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(members[1].value.get<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(members[2].value.get<double>(), 0.0);
}

}  // namespace
}  // namespace quarry::io::detail
