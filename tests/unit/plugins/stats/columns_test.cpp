//! Reading columns as numbers (detail/columns.hpp): the block-at-a-time readers give what a
//! row-by-row reading of the validity bits and values gives, whatever the nulls, NaNs and
//! infinities and wherever the 64-row blocks end.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "detail/columns.hpp"

namespace stats = quarry::stats;
namespace sdk = quarry::sdk;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

//! A float64 column "x" and an int64 column "n" of `rows` rows: about one value in
//! `null_every` null, and in x one in 50 NaN, +inf or -inf when `non_finite`.
sdk::OwnedChunk make_chunk(std::int64_t rows, int null_every, bool non_finite, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  sdk::ChunkBuilder builder;
  auto& x = builder.add_float64("x");
  auto& n = builder.add_int64("n");
  std::normal_distribution<double> normal(3.0, 100.0);
  for (std::int64_t r = 0; r < rows; ++r) {
    if (null_every > 0 && random() % null_every == 0) {
      x.append_null();
    } else if (non_finite && random() % 50 == 0) {
      const double odd[] = {kNan, kInf, -kInf};
      x.append(odd[random() % 3]);
    } else {
      x.append(normal(random));
    }
    if (null_every > 0 && random() % null_every == 0) {
      n.append_null();
    } else {
      n.append(static_cast<std::int64_t>(random() % 2001) - 1000);
    }
  }
  return builder.finish();
}

//! read_numbers as its contract says, one row at a time.
std::vector<double> row_by_row(const sdk::ColumnView& column, stats::ValueCounts& c) {
  std::vector<double> out;
  for (std::int64_t r = 0; r < column.size(); ++r) {
    ++c.rows;
    if (!column.is_valid(r)) {
      ++c.nulls;
      out.push_back(kNan);
      continue;
    }
    const double v = column.type() == sdk::ColumnType::int64
                         ? static_cast<double>(column.int64s()[r])
                         : column.float64s()[r];
    if (std::isnan(v)) ++c.nans;
    if (v == kInf) ++c.pos_inf;
    if (v == -kInf) ++c.neg_inf;
    out.push_back(std::isfinite(v) ? v : kNan);
  }
  return out;
}

void expect_same_counts(const stats::ValueCounts& a, const stats::ValueCounts& b) {
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.nulls, b.nulls);
  EXPECT_EQ(a.nans, b.nans);
  EXPECT_EQ(a.pos_inf, b.pos_inf);
  EXPECT_EQ(a.neg_inf, b.neg_inf);
}

void expect_same_values(const std::vector<double>& expected, std::span<const double> got) {
  ASSERT_EQ(expected.size(), got.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "row " << i;
    } else {
      EXPECT_EQ(expected[i], got[i]) << "row " << i;
    }
  }
}

}  // namespace

TEST(StatsColumns, ReadNumbersEqualsTheRowByRowReading) {
  // Row counts around the 64-row blocks; chunks without nulls, with a few and with many.
  for (std::int64_t rows : {1, 63, 64, 65, 200, 1000}) {
    for (int null_every : {0, 3, 40}) {
      for (bool non_finite : {false, true}) {
        const sdk::OwnedChunk owned = make_chunk(rows, null_every, non_finite, 11 + rows);
        const sdk::ChunkView chunk = owned.view();
        for (const char* name : {"x", "n"}) {
          SCOPED_TRACE(std::string(name) + ", " + std::to_string(rows) + " rows, null every " +
                       std::to_string(null_every));
          stats::ValueCounts expected_counts, counts;
          const std::vector<double> expected = row_by_row(chunk.column(name), expected_counts);
          std::vector<double> got;
          stats::read_numbers(chunk.column(name), got, counts);
          expect_same_values(expected, got);
          expect_same_counts(expected_counts, counts);
        }
      }
    }
  }
}

TEST(StatsColumns, FiniteNumbersAreTheFiniteValuesInRowOrder) {
  for (std::int64_t rows : {1, 64, 129, 1000}) {
    for (int null_every : {0, 5}) {
      for (bool non_finite : {false, true}) {
        const sdk::OwnedChunk owned = make_chunk(rows, null_every, non_finite, 29 + rows);
        const sdk::ChunkView chunk = owned.view();
        for (const char* name : {"x", "n"}) {
          SCOPED_TRACE(std::string(name) + ", " + std::to_string(rows) + " rows");
          stats::ValueCounts expected_counts, counts;
          std::vector<double> expected;
          for (double v : row_by_row(chunk.column(name), expected_counts)) {
            if (!std::isnan(v)) expected.push_back(v);
          }
          std::vector<double> scratch;
          const std::span<const double> got =
              stats::finite_numbers(chunk.column(name), scratch, counts);
          expect_same_values(expected, got);
          expect_same_counts(expected_counts, counts);
        }
      }
    }
  }
}

TEST(StatsColumns, AFloatColumnWithoutNullsOrNonFiniteValuesIsReadInPlace) {
  const sdk::OwnedChunk owned = make_chunk(300, 0, false, 5);
  const sdk::ColumnView column = owned.view().column("x");
  std::vector<double> scratch;
  stats::ValueCounts counts;
  const std::span<const double> got = stats::finite_numbers(column, scratch, counts);
  EXPECT_EQ(got.data(), column.float64s().data());
  EXPECT_EQ(got.size(), 300U);
  EXPECT_TRUE(scratch.empty());
  EXPECT_EQ(counts.rows, 300);
  EXPECT_EQ(counts.usable(), 300);
}
