//! Unit tests for quarry/io/chunk_spill.hpp: chunks written to an anonymous file read back
//! exactly (every type, nulls, empty chunks; in order and out of order), and a spill that
//! cannot go on is given up with its reason rather than failing the run.

#include "quarry/io/chunk_spill.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace quarry::io {
namespace {

namespace fs = std::filesystem;
using testing::cell_text;
using testing::five_types;
using testing::read_rows;
using testing::TempDir;

// `rows` rows starting at `first`; every fifth row null in every column, texts of varying
// length (some empty) so that string offsets differ from chunk to chunk.
std::shared_ptr<const Chunk> chunk_of(const std::shared_ptr<const Schema>& schema,
                                      std::int64_t first, std::int64_t rows, std::uint64_t seq) {
  ChunkBuilder builder(schema, rows);
  for (std::int64_t r = first; r < first + rows; ++r) {
    if (r % 5 == 3) {
      for (std::size_t c = 0; c < 5; ++c) builder.column(c).append_null();
      continue;
    }
    builder.column(0).append_int64(r * 7 - 100);
    builder.column(1).append_float64(static_cast<double>(r) / 3.0);
    builder.column(2).append_bool(r % 3 == 0);
    builder.column(3).append_string(std::string(static_cast<std::size_t>(r % 11), 'a' + r % 26));
    builder.column(4).append_int64(1'700'000'000'000'000 + r);
  }
  return builder.finish(seq);
}

std::vector<std::string> cells_of(const Chunk& chunk) {
  std::vector<std::string> cells;
  for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
    for (std::size_t c = 0; c < chunk.num_columns(); ++c)
      cells.push_back(cell_text(chunk.column(c), r));
  }
  return cells;
}

TEST(ChunkSpill, ChunksReadBackAsTheyWereWrittenInOrderOrNot) {
  const TempDir dir;
  const auto schema = five_types();
  std::vector<std::shared_ptr<const Chunk>> written;
  const std::vector<std::int64_t> sizes = {100, 0, 1, 777, 64};
  std::int64_t first = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    written.push_back(chunk_of(schema, first, sizes[i], i));
    first += sizes[i];
  }
  std::string why;
  std::shared_ptr<ChunkSpill> spill = ChunkSpill::create(dir.path(), 1ull << 30, &why);
  ASSERT_TRUE(spill) << why;
  for (const auto& chunk : written) EXPECT_TRUE(spill->append(*chunk));
  EXPECT_TRUE(spill->intact());
  EXPECT_EQ(spill->chunks(), sizes.size());

  const auto source = ChunkSpill::read_back(spill, *schema);
  EXPECT_EQ(source->schema(), *schema);
  ASSERT_EQ(source->parallel_chunks(), sizes.size());
  EXPECT_EQ(source->total_bytes(), spill->bytes());
  // Out of order, as parallel readers take them.
  for (std::size_t i = sizes.size(); i-- > 0;) {
    const auto chunk = source->read_chunk(i);
    EXPECT_EQ(chunk->sequence(), i);
    EXPECT_EQ(chunk->num_rows(), sizes[i]);
    EXPECT_EQ(cells_of(*chunk), cells_of(*written[i])) << "chunk " << i;
    for (std::size_t c = 0; c < 5; ++c) {
      EXPECT_EQ(chunk->column(c).null_count(), written[i]->column(c).null_count());
    }
  }
  EXPECT_EQ(source->bytes_read(), spill->bytes());
  // In order, twice (a rewound source starts again).
  std::vector<std::vector<std::string>> expected;
  for (const auto& chunk : written) {
    for (std::int64_t r = 0; r < chunk->num_rows(); ++r) {
      std::vector<std::string> row;
      for (std::size_t c = 0; c < 5; ++c) row.push_back(cell_text(chunk->column(c), r));
      expected.push_back(row);
    }
  }
  source->rewind();
  EXPECT_EQ(read_rows(*source), expected);
  source->rewind();
  EXPECT_EQ(read_rows(*source), expected);
  // The file has no name: nothing to clean up, even after a crash.
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ChunkSpill, ReadOnceGivesTheSameChunksAndCannotBeReadAgain) {
  const TempDir dir;
  const auto schema = five_types();
  std::vector<std::shared_ptr<const Chunk>> written;
  const std::shared_ptr<ChunkSpill> spill = ChunkSpill::create(dir.path(), 1ull << 30);
  ASSERT_TRUE(spill);
  // Chunks of several pages each, so that whole pages are given back between them.
  for (std::uint64_t i = 0; i < 6; ++i) {
    written.push_back(chunk_of(schema, static_cast<std::int64_t>(i) * 3000, 3000, i));
    ASSERT_TRUE(spill->append(*written.back()));
  }
  const auto once = ChunkSpill::read_back(spill, *schema, ChunkSpill::ReadBack::kOnce);
  // Out of order, as parallel readers take them: a chunk's neighbours stay readable.
  for (std::size_t i : {3u, 0u, 5u, 1u, 4u, 2u}) {
    EXPECT_EQ(cells_of(*once->read_chunk(i)), cells_of(*written[i])) << "chunk " << i;
  }
  EXPECT_THROW(once->rewind(), std::logic_error);
}

TEST(ChunkSpill, ASpillPastItsLimitIsGivenUpWithTheReason) {
  const TempDir dir;
  const auto schema = five_types();
  const auto spill = ChunkSpill::create(dir.path(), 16 << 10);
  ASSERT_TRUE(spill);
  EXPECT_TRUE(spill->append(*chunk_of(schema, 0, 10, 0)));
  EXPECT_FALSE(spill->append(*chunk_of(schema, 10, 5000, 1)));
  EXPECT_FALSE(spill->intact());
  EXPECT_NE(spill->failure().find("outgrow"), std::string::npos) << spill->failure();
  EXPECT_FALSE(spill->append(*chunk_of(schema, 5010, 1, 2)));  // later chunks are ignored
  EXPECT_EQ(spill->chunks(), 0u);
}

TEST(ChunkSpill, AChunkWithOtherColumnsGivesTheSpillUp) {
  const TempDir dir;
  const auto spill = ChunkSpill::create(dir.path(), 1ull << 30);
  ASSERT_TRUE(spill);
  EXPECT_TRUE(spill->append(*chunk_of(five_types(), 0, 10, 0)));
  ChunkBuilder other(
      std::make_shared<const Schema>(std::vector<Field>{{"x", ColumnType::kFloat64}}), 1);
  other.column(0).append_float64(1.0);
  EXPECT_FALSE(spill->append(*other.finish(1)));
  EXPECT_NE(spill->failure().find("other columns"), std::string::npos) << spill->failure();
}

TEST(ChunkSpill, ADirectoryThatCannotBeMadeIsRefusedWithTheReason) {
  const TempDir dir;
  (void)dir.write("file", "x");
  std::string why;
  EXPECT_FALSE(ChunkSpill::create(dir.path() / "file" / "spill", 1ull << 30, &why));
  EXPECT_NE(why.find((dir.path() / "file").string()), std::string::npos) << why;
}

}  // namespace
}  // namespace quarry::io
