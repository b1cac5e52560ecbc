// The `where` filter language: parsing, binding errors, SQL null logic, every operator,
// and applying a filter to a chunk. Expected rows are worked out by hand from the
// six-row table below.

#include "quarry/filter/row_filter.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace quarry::filter {
namespace {

using io::ColumnType;

// id | price | region | ok    | when                 | unit price
//  1 |  10.0 | EU     | true  | 2024-01-01T00:00:00Z | 1.5
//  2 |  null | US     | false | 2024-02-01T00:00:00Z | 2.5
//  3 | 250.5 | null   | true  | null                 | null
//  4 |  99.9 | EU-West| null  | 2024-03-15T12:00:00Z | 4.0
//  5 |   0.0 | APAC   | false | 2023-12-31T23:59:59Z | 0.5
//  6 | -20.0 | EU     | true  | 2024-01-01T00:00:01Z | nan
std::shared_ptr<const io::Chunk> table() {
  auto schema = std::make_shared<const io::Schema>(
      std::vector<io::Field>{{"id", ColumnType::kInt64},
                             {"price", ColumnType::kFloat64},
                             {"region", ColumnType::kString},
                             {"ok", ColumnType::kBool},
                             {"when", ColumnType::kTimestamp},
                             {"unit price", ColumnType::kFloat64}});
  io::ChunkBuilder b(schema, 6);
  const std::optional<double> prices[] = {10.0, std::nullopt, 250.5, 99.9, 0.0, -20.0};
  const std::optional<std::string> regions[] = {"EU", "US", std::nullopt, "EU-West", "APAC", "EU"};
  const std::optional<bool> oks[] = {true, false, true, std::nullopt, false, true};
  // Microseconds since the epoch of the times above.
  const std::optional<std::int64_t> whens[] = {1704067200000000, 1706745600000000,
                                               std::nullopt,     1710504000000000,
                                               1704067199000000, 1704067201000000};
  const std::optional<double> units[] = {1.5, 2.5, std::nullopt, 4.0, 0.5, std::nan("")};
  for (int i = 0; i < 6; ++i) {
    b.column(0).append_int64(i + 1);
    prices[i] ? b.column(1).append_float64(*prices[i]) : b.column(1).append_null();
    regions[i] ? b.column(2).append_string(*regions[i]) : b.column(2).append_null();
    oks[i] ? b.column(3).append_bool(*oks[i]) : b.column(3).append_null();
    whens[i] ? b.column(4).append_int64(*whens[i]) : b.column(4).append_null();
    units[i] ? b.column(5).append_float64(*units[i]) : b.column(5).append_null();
  }
  return b.finish(7);
}

// The ids of the rows `expression` keeps.
std::vector<std::int64_t> ids(const std::string& expression) {
  const auto chunk = table();
  const auto kept = RowFilter(expression, chunk->schema()).apply(*chunk);
  const auto values = kept->column(0).int64_values();
  return {values.begin(), values.end()};
}

using Ids = std::vector<std::int64_t>;

TEST(RowFilter, ComparesNumbersAcrossIntegerAndFloat) {
  EXPECT_EQ(ids("price > 50"), (Ids{3, 4}));
  EXPECT_EQ(ids("price >= 10 and price <= 99.9"), (Ids{1, 4}));
  EXPECT_EQ(ids("id = 2 or id == 5"), (Ids{2, 5}));
  EXPECT_EQ(ids("id != 1 && id <> 2 && id < 5"), (Ids{3, 4}));
}

TEST(RowFilter, NullComparisonsAreUnknownAndDropTheRow) {
  EXPECT_EQ(ids("price < 1000"), (Ids{1, 3, 4, 5, 6}));  // row 2 has no price
  EXPECT_EQ(ids("not (price < 1000)"), Ids{});           // not unknown is unknown
  EXPECT_EQ(ids("price is null"), (Ids{2}));
  EXPECT_EQ(ids("price is not null and region is null"), (Ids{3}));
  EXPECT_EQ(ids("price < 0 or ok"), (Ids{1, 3, 6}));      // true or unknown is true
  EXPECT_EQ(ids("\"unit price\" is null"), (Ids{3, 6}));  // NaN counts as missing
}

TEST(RowFilter, StringsCompareAndTestTheirContent) {
  EXPECT_EQ(ids("region == 'EU'"), (Ids{1, 6}));
  EXPECT_EQ(ids("region starts_with 'EU'"), (Ids{1, 4, 6}));
  EXPECT_EQ(ids("region contains '-'"), (Ids{4}));
  EXPECT_EQ(ids("region ends_with 'AC'"), (Ids{5}));
  EXPECT_EQ(ids("region in ('US', 'APAC')"), (Ids{2, 5}));
  EXPECT_EQ(ids("region not in ('US', 'APAC')"), (Ids{1, 4, 6}));
  EXPECT_EQ(ids("region > 'EU'"), (Ids{2, 4}));  // byte order: "EU-West" and "US"
}

// SQL LIKE (case-sensitive, '%' any run, '_' one character) and BETWEEN (bounds included);
// a null operand leaves the row out, negated or not.
TEST(RowFilter, LikeAndBetweenFollowSql) {
  EXPECT_EQ(ids("region like 'EU%'"), (Ids{1, 4, 6}));
  EXPECT_EQ(ids("region like '_S'"), (Ids{2}));
  EXPECT_EQ(ids("region like '%A%C'"), (Ids{5}));
  EXPECT_EQ(ids("region like 'eu'"), (Ids{}));
  EXPECT_EQ(ids("region not like 'EU%'"), (Ids{2, 5}));
  EXPECT_EQ(ids("region like '%-_e%'"), (Ids{4}));  // EU-West
  EXPECT_EQ(ids("region like '%-w%'"), (Ids{}));
  EXPECT_EQ(ids("price between 0 and 99.9"), (Ids{1, 4, 5}));
  EXPECT_EQ(ids("price not between 0 and 99.9"), (Ids{3, 6}));
  EXPECT_EQ(ids("price between 0 and 50 or id = 3"), (Ids{1, 3, 5}));
  EXPECT_EQ(ids("price + 1 between 1 and 11 and ok"), (Ids{1}));
  EXPECT_EQ(ids("when between '2024-01-01' and '2024-01-31'"), (Ids{1, 6}));
}

TEST(RowFilter, ArithmeticAndQuotedNames) {
  EXPECT_EQ(ids("price * 2 - 1 > 198"), (Ids{3, 4}));  // 500, 198.8
  EXPECT_EQ(ids("`unit price` / 2 >= 1"), (Ids{2, 4}));
  EXPECT_EQ(ids("id % 2 == 0"), (Ids{2, 4, 6}));
  EXPECT_EQ(ids("-price > 0"), (Ids{6}));
  EXPECT_EQ(ids("price / 0 > 1 or id = 1"), (Ids{1}));  // division by zero is unknown
}

TEST(RowFilter, TimestampsCompareWithIsoText) {
  EXPECT_EQ(ids("when >= '2024-01-01' and when < '2024-02-01'"), (Ids{1, 6}));
  EXPECT_EQ(ids("when > '2024-03-01T00:00:00Z'"), (Ids{4}));
}

TEST(RowFilter, BooleansAreConditionsOnTheirOwn) {
  EXPECT_EQ(ids("ok"), (Ids{1, 3, 6}));
  EXPECT_EQ(ids("ok == false"), (Ids{2, 5}));
  EXPECT_EQ(ids("!ok"), (Ids{2, 5}));
}

TEST(RowFilter, KeptRowsKeepEveryColumnAndTheSequence) {
  const auto chunk = table();
  const auto kept = RowFilter("id == 3 or id == 4", chunk->schema()).apply(*chunk);
  ASSERT_EQ(kept->num_rows(), 2);
  EXPECT_EQ(kept->sequence(), 7u);
  EXPECT_DOUBLE_EQ(kept->column(1).float64_values()[0], 250.5);
  EXPECT_TRUE(kept->column(2).is_null(0));
  EXPECT_EQ(kept->column(2).string_value(1), "EU-West");
  EXPECT_TRUE(kept->column(3).is_null(1));
  EXPECT_TRUE(kept->column(4).is_null(0));
}

// The message of the FilterError thrown for `expression`.
std::string error_of(const std::string& expression) {
  try {
    RowFilter(expression, table()->schema());
  } catch (const FilterError& e) {
    return e.what();
  }
  return "no error";
}

TEST(RowFilter, ErrorsNameTheProblemAndTheFix) {
  EXPECT_NE(error_of("nope > 1").find("no column named 'nope' (columns: id, price"),
            std::string::npos);
  EXPECT_NE(error_of("price >").find("ends too early at position 8"), std::string::npos);
  EXPECT_NE(error_of("region == 5").find("cannot compare a string with a integer"),
            std::string::npos);
  EXPECT_NE(error_of("region + 1 > 2").find("'+' needs numbers"), std::string::npos);
  EXPECT_NE(error_of("price").find("not a condition"), std::string::npos);
  EXPECT_NE(error_of("region == 'EU").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("when > 'yesterday'").find("not an ISO 8601 time"), std::string::npos);
  EXPECT_NE(error_of("price > 1 ;").find("unexpected character ';'"), std::string::npos);
  EXPECT_THROW(check_syntax("(a > 1"), FilterError);
  EXPECT_NO_THROW(check_syntax("a > 1 and b in (1, 2, null)"));
}

TEST(RowFilter, ReferencedColumnsAreListedOnceInOrderOfAppearance) {
  EXPECT_EQ(referenced_columns("b > 1 and (a + b) < 3 or \"unit price\" is null or `c d` in (1)"),
            (std::vector<std::string>{"b", "a", "unit price", "c d"}));
  EXPECT_EQ(referenced_columns("true or 'text' == 'x'"), std::vector<std::string>{});
  EXPECT_THROW((void)referenced_columns("a >"), FilterError);
}

}  // namespace
}  // namespace quarry::filter
