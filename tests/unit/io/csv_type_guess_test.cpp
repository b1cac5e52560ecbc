//! Unit tests for CSV files typed from a sample (CsvOptions::sample_typing_min_bytes): a
//! guessed read gives what the full scan gives, and whatever the guess does not cover (a later
//! value of another kind, a ragged row, a quoted line break across a chunk boundary, a value a
//! forced type rejects, too many rows) stops the read with SchemaGuessFailed, after which
//! infer_schema_fully() reads the file as the full scan does, messages included. The expected
//! rows are those of the same file read with a full scan first.

#include "quarry/io/csv_reader.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace quarry::io {
namespace {

using testing::read_rows;
using testing::TempDir;
using testing::types_of;
using Rows = std::vector<std::vector<std::string>>;
using enum ColumnType;

//! Options that type every file from a sample, in small chunks, on two threads.
CsvOptions guessing(std::size_t chunk_bytes = 4096) {
  CsvOptions options;
  options.sample_typing_min_bytes = 1;
  options.chunk_bytes = chunk_bytes;
  options.threads = 2;
  return options;
}

CsvOptions scanning(CsvOptions options) {
  options.sample_typing_min_bytes = 0;
  return options;
}

//! `rows` rows of id (int), x (float), name (string), flag (bool), day (date) and note
//! (mostly empty), from a fixed seed; about 50 bytes a row. Row `r` is written by
//! `override(r)` when that returns a line.
std::string table(int rows, const std::function<std::string(int)>& override = {}) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> x(-1000, 1000);
  std::string text = "id,x,name,flag,day,note\n";
  for (int r = 0; r < rows; ++r) {
    if (override) {
      if (std::string line = override(r); !line.empty()) {
        text += line + "\n";
        continue;
      }
    }
    char value[32];
    std::snprintf(value, sizeof value, "%.4f", x(random));
    text += std::to_string(r) + "," + value + ",name " + std::to_string(random() % 100) + "," +
            (random() % 2 ? "true" : "false") + ",2024-0" + std::to_string(1 + random() % 9) +
            "-1" + std::to_string(random() % 10) + "," + (r % 1000 == 7 ? "\"a, b\"" : "") + "\n";
  }
  return text;
}

//! A quoted field of `lines` lines reading "line N<text>".
std::string quoted_note(int lines, const std::string& text) {
  std::string note = "\"";
  for (int i = 0; i < lines; ++i) note += "line " + std::to_string(i) + text + "\n";
  return note + "\"";
}

//! Reads `path` with `options` to the end; on SchemaGuessFailed, infers the schema over the
//! whole file and reads again. `failed` tells whether the guess failed.
Rows read_settled(CsvReader& reader, bool& failed) {
  try {
    failed = false;
    return read_rows(reader);
  } catch (const SchemaGuessFailed&) {
    failed = true;
    EXPECT_TRUE(reader.schema_guess_failed());
    reader.infer_schema_fully();
    EXPECT_FALSE(reader.schema_guess_failed());
    return read_rows(reader);
  }
}

class CsvTypeGuessTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(CsvTypeGuessTest, RegularFileReadsOnceAsTheFullScanReadsIt) {
  const auto path = dir.write("regular.csv", table(20000));
  CsvReader full(path, scanning(guessing()));
  const Rows expected = read_rows(full);
  ASSERT_EQ(expected.size(), 20000U);
  for (const std::size_t chunk_bytes :
       {std::size_t{1000}, std::size_t{4096}, std::size_t{1} << 20}) {
    CsvReader guessed(path, guessing(chunk_bytes));
    EXPECT_FALSE(guessed.scanned_on_open());
    EXPECT_EQ(types_of(guessed.schema()), types_of(full.schema()));
    EXPECT_EQ(types_of(guessed.schema()),
              (std::vector{kInt64, kFloat64, kString, kBool, kTimestamp, kString}));
    EXPECT_EQ(read_rows(guessed), expected) << chunk_bytes;
    EXPECT_FALSE(guessed.schema_guess_failed());
    EXPECT_EQ(guessed.report().rows_read, 20000U);
  }
  EXPECT_TRUE(full.scanned_on_open());
}

TEST_F(CsvTypeGuessTest, ChunksParsedInAnyOrderOnSeveralThreadsGiveTheSameRows) {
  const auto path = dir.write("parallel.csv", table(5000));
  CsvReader guessed(path, guessing(1500));
  std::vector<std::shared_ptr<const Chunk>> chunks(guessed.chunk_count());
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = chunks.size() - 1 - t; i < chunks.size(); i -= 2)
        chunks[i] = guessed.read_chunk(i);
    });
  }
  for (auto& thread : threads) thread.join();
  CsvReader full(path, scanning(guessing()));
  const Rows expected = read_rows(full);
  ASSERT_EQ(expected.size(), 5000U);
  Rows rows;
  for (const auto& chunk : chunks) testing::append_rows(*chunk, rows);
  EXPECT_EQ(rows, expected);
}

TEST_F(CsvTypeGuessTest, LaterValueOfAnotherKindFailsTheGuessAndTheFullScanTypesIt) {
  // 30000 rows (~1.5 MB): the probes read 8 × 64 KiB, not the last rows.
  const auto path =
      dir.write("late.csv",
                table(30000, [](int r) { return r == 29990 ? "1.5,2.0,n,true,2024-01-01," : ""; }));
  CsvReader guessed(path, guessing());
  ASSERT_FALSE(guessed.scanned_on_open());
  EXPECT_EQ(guessed.schema()[0].type, kInt64);
  bool failed = false;
  const Rows rows = read_settled(guessed, failed);
  EXPECT_TRUE(failed);
  EXPECT_EQ(guessed.schema()[0].type, kFloat64);
  EXPECT_TRUE(guessed.scanned_on_open());
  CsvReader full(path, scanning(guessing()));
  EXPECT_EQ(rows, read_rows(full));
  EXPECT_EQ(rows[29990][0], "1.5");
}

// A column the sample saw only dates alone in is guessed as one (writers write its values as
// dates again), so a later value with a time of day fails the guess like a value of another
// kind; the full scan then says the column holds local times.
TEST_F(CsvTypeGuessTest, LaterTimeOfDayInAColumnOfDatesFailsTheGuess) {
  CsvReader regular(dir.write("dates.csv", table(30000)), guessing());
  read_rows(regular);
  EXPECT_FALSE(regular.schema_guess_failed());
  EXPECT_EQ(regular.report().column("day")->timestamp_text, TimestampText::kDate);

  const auto path = dir.write("late_time.csv", table(30000, [](int r) {
                                return r == 29990 ? "1,2.0,n,true,2024-01-01 10:30," : "";
                              }));
  CsvReader guessed(path, guessing());
  ASSERT_FALSE(guessed.scanned_on_open());
  EXPECT_EQ(guessed.report().column("day")->timestamp_text, TimestampText::kDate);
  bool failed = false;
  const Rows rows = read_settled(guessed, failed);
  EXPECT_TRUE(failed);
  EXPECT_EQ(guessed.schema()[4].type, kTimestamp);
  EXPECT_EQ(guessed.report().column("day")->timestamp_text, TimestampText::kLocal);
  CsvReader full(path, scanning(guessing()));
  EXPECT_EQ(rows, read_rows(full));
}

TEST_F(CsvTypeGuessTest, ValueInAColumnTheSampleSawOnlyNullsInFailsTheGuess) {
  const auto path = dir.write("sparse.csv", table(30000, [](int r) {
                                return r == 29995 ? "29995,1.0,n,true,2024-01-01,42" : "";
                              }));
  // note is empty except every 1000th row's "a, b" and this 42: read only columns whose
  // sample has no value.
  CsvOptions options = guessing();
  options.null_values.push_back("a, b");
  CsvReader guessed(path, options);
  ASSERT_FALSE(guessed.scanned_on_open());
  EXPECT_EQ(guessed.schema()[5].type, kString);
  bool failed = false;
  const Rows rows = read_settled(guessed, failed);
  EXPECT_TRUE(failed);
  EXPECT_EQ(guessed.schema()[5].type, kInt64);
  EXPECT_EQ(rows[29995][5], "42");
}

TEST_F(CsvTypeGuessTest, ProbeFindsAKindChangeBeforeAnyChunkIsRead) {
  // Row 15000 of 30000 sits at the middle of the file, inside the fourth probe.
  const auto path = dir.write("middle.csv", table(30000, [](int r) {
                                return r >= 14950 && r < 15050 ? "x,1,n,true,2024-01-01," : "";
                              }));
  CsvReader reader(path, guessing());
  EXPECT_TRUE(reader.scanned_on_open());
  EXPECT_EQ(reader.schema()[0].type, kString);
}

TEST_F(CsvTypeGuessTest, ProbeStartingInsideAQuotedFieldLeavesTheTypesToTheFullScan) {
  // A 120 KB note over 4000 lines from row 16000 of 30000 (~53% to ~61% of the file): the
  // fifth probe (5/9 of the way) starts inside it, where lines are not records.
  const std::string note = quoted_note(4000, ", of a note");
  const auto path =
      dir.write("inside.csv", table(30000, [&](int r) {
                  return r == 16000 ? "16000,1.0,n,true,2024-01-01," + note : std::string();
                }));
  CsvReader reader(path, guessing());
  EXPECT_TRUE(reader.scanned_on_open());
  const Rows rows = read_rows(reader);
  ASSERT_EQ(rows.size(), 30000U);
  EXPECT_EQ(rows[16000][5], note.substr(1, note.size() - 2));
}

TEST_F(CsvTypeGuessTest, LaterRaggedRowIsReportedByTheFullScanWithItsLine) {
  const auto path =
      dir.write("ragged.csv", table(30000, [](int r) { return r == 29990 ? "1,2" : ""; }));
  CsvReader guessed(path, guessing());
  ASSERT_FALSE(guessed.scanned_on_open());
  EXPECT_THROW(read_rows(guessed), SchemaGuessFailed);
  try {
    guessed.infer_schema_fully();  // row 29990 is on line 29992: the header is line 1
    ADD_FAILURE() << "the full scan should refuse the ragged row";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("ragged.csv:29992:"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("2 fields, expected 6"), std::string::npos)
        << error.what();
  }
}

TEST_F(CsvTypeGuessTest, QuotedLineBreaksAcrossAChunkBoundaryFailTheGuess) {
  // A quoted field of 3000 bytes over 100 lines: some 1000-byte grid point falls inside it,
  // so the chunk before that point ends inside quotes.
  const std::string long_field = quoted_note(100, " of a long note");
  const auto path =
      dir.write("notes.csv", table(30000, [&](int r) {
                  return r == 29000 ? "29000,1.0,n,true,2024-01-01," + long_field : std::string();
                }));
  CsvReader guessed(path, guessing(1000));
  ASSERT_FALSE(guessed.scanned_on_open());
  bool failed = false;
  const Rows rows = read_settled(guessed, failed);
  EXPECT_TRUE(failed);
  ASSERT_EQ(rows.size(), 30000U);
  EXPECT_EQ(rows[29000][5], long_field.substr(1, long_field.size() - 2));
  CsvReader full(path, scanning(guessing(1000)));
  EXPECT_EQ(rows, read_rows(full));
}

TEST_F(CsvTypeGuessTest, ValueAForcedTypeRejectsIsCountedByTheFullScanWithItsRow) {
  const auto path = dir.write("forced.csv", table(30000, [](int r) {
                                return r == 29990 ? "29990,oops,n,true,2024-01-01," : "";
                              }));
  CsvOptions options = guessing();
  options.column_types["x"] = kFloat64;
  CsvReader guessed(path, options);
  ASSERT_FALSE(guessed.scanned_on_open());
  bool failed = false;
  const Rows rows = read_settled(guessed, failed);
  EXPECT_TRUE(failed);
  EXPECT_EQ(rows[29990][1], "∅");
  const ReadReport report = guessed.report();
  const ColumnReport* x = report.column("x");
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(x->coerced_to_null, 1U);
  ASSERT_EQ(x->examples.size(), 1U);
  EXPECT_EQ(x->examples[0].row, 29990);
  EXPECT_EQ(x->examples[0].line, 29992U);
}

TEST_F(CsvTypeGuessTest, MoreRowsThanTheLimitAreRefusedByTheFullScan) {
  const auto path = dir.write("long.csv", table(30000));
  CsvOptions options = guessing();
  options.limits.max_rows = 29999;
  CsvReader guessed(path, options);
  ASSERT_FALSE(guessed.scanned_on_open());
  EXPECT_THROW(read_rows(guessed), SchemaGuessFailed);
  EXPECT_THROW(guessed.infer_schema_fully(), InputError);
}

TEST_F(CsvTypeGuessTest, SmallFilesOneColumnFilesAndRowChunksAreScannedFirst) {
  const auto path = dir.write("small.csv", table(100));
  CsvOptions options = guessing();
  options.sample_typing_min_bytes = 1 << 20;
  EXPECT_TRUE(CsvReader(path, options).scanned_on_open());
  options = guessing();
  options.chunk_rows = 10;
  EXPECT_TRUE(CsvReader(path, options).scanned_on_open());
  std::string one_column = "v\n";
  for (int i = 0; i < 1000; ++i) one_column += std::to_string(i) + "\n";
  EXPECT_TRUE(CsvReader(dir.write("one.csv", one_column), guessing()).scanned_on_open());
}

TEST_F(CsvTypeGuessTest, GuessedReadFillsTheColumnCacheWithItsRowCounts) {
  const auto path = dir.write("cached.csv", table(20000));
  CsvOptions options = guessing(8192);
  options.column_cache.directory = dir.path() / "cache";
  options.column_cache.max_bytes = 64ULL << 20;
  Rows first;
  {
    CsvReader guessed(path, options);
    ASSERT_FALSE(guessed.scanned_on_open());
    first = read_rows(guessed);
  }
  CsvReader cached(path, options);
  ASSERT_TRUE(cached.from_column_cache());
  EXPECT_EQ(read_rows(cached), first);
  EXPECT_EQ(cached.report().rows_read, 20000U);
}

}  // namespace
}  // namespace quarry::io
