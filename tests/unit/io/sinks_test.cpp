//! Unit tests for quarry/io/sink.hpp: formats, round trips through the readers, and atomic
//! writes (nothing at the destination before commit, temp files cleaned up, no overwrite).

#include "quarry/io/csv_reader.hpp"
#include "quarry/io/jsonl_reader.hpp"
#include "quarry/io/sink.hpp"
#include "quarry/io/sqlite_reader.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace quarry::io {
namespace {

using testing::read_file;
using testing::read_rows;
using testing::TempDir;
using testing::types_of;
using Rows = std::vector<std::vector<std::string>>;
using enum ColumnType;
namespace fs = std::filesystem;

Schema five_types() {
  return Schema({{"i", kInt64}, {"f", kFloat64}, {"b", kBool}, {"s", kString}, {"t", kTimestamp}});
}

//! Rows: a normal one, one with awkward strings and specials, and one of nulls.
std::shared_ptr<const Chunk> sample() {
  ChunkBuilder builder(std::make_shared<const Schema>(five_types()), 3);
  builder.column(0).append_int64(-42);
  builder.column(1).append_float64(2.0);
  builder.column(2).append_bool(true);
  builder.column(3).append_string("plain");
  builder.column(4).append_int64(1'706'704'496'500'000);
  builder.column(0).append_int64(std::numeric_limits<std::int64_t>::max());
  builder.column(1).append_float64(0.1);
  builder.column(2).append_bool(false);
  builder.column(3).append_string("a,\"b\"\nc");
  builder.column(4).append_int64(0);
  for (std::size_t c = 0; c < 5; ++c) builder.column(c).append_null();
  return builder.finish(0);
}

//! Expects `reader`'s first chunk to hold sample()'s cells.
void expect_sample_read_back(CsvReader& reader) {
  auto chunk = reader.next();
  ASSERT_NE(chunk, nullptr);
  const auto original = sample();
  for (std::size_t c = 0; c < 5; ++c) {
    for (std::int64_t r = 0; r < 3; ++r) {
      EXPECT_EQ(testing::cell_text(chunk->column(c), r), testing::cell_text(original->column(c), r))
          << c << "," << r;
    }
  }
}

//! Files in `dir` other than `keep`.
std::vector<std::string> stray_files(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  return names;
}

class SinksTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(SinksTest, CsvQuotesOnlyWhenNeededAndFormatsValues) {
  const fs::path out = dir.path() / "out.csv";
  auto sink = make_csv_sink(out, five_types());
  sink->write(*sample());
  sink->commit();
  EXPECT_EQ(read_file(out),
            "i,f,b,s,t\n"
            "-42,2.0,true,plain,2024-01-31T12:34:56.5Z\n"
            "9223372036854775807,0.1,false,\"a,\"\"b\"\"\nc\",1970-01-01T00:00:00Z\n"
            ",,,,\n");
  EXPECT_EQ(sink->rows_written(), 3U);
}

// Timestamp columns are written as they were read: dates alone as dates where a value is at
// midnight (pandas writes such a column so too), local times without the 'Z' (pandas reads
// them back as naive datetimes), others in UTC. The same in every format, and every form reads
// back as the same values.
TEST_F(SinksTest, TimestampColumnsAreWrittenAsTheyWereReadInEveryFormat) {
  const Schema schema(
      {{"day", kTimestamp}, {"local", kTimestamp}, {"t", kTimestamp}, {"n", kInt64}});
  ChunkBuilder builder(std::make_shared<const Schema>(schema), 3);
  for (const std::int64_t micros :
       {std::int64_t{1'704'412'800'000'000}, std::int64_t{-86'400'000'000},
        std::int64_t{1'704'412'800'000'001}}) {
    builder.column(0).append_int64(micros);
    builder.column(1).append_int64(micros);
    builder.column(2).append_int64(1'704'412'800'000'000);
    builder.column(3).append_int64(1);
  }
  const auto chunk = builder.finish(0);
  SinkOptions options;
  options.timestamp_texts = {{"day", TimestampText::kDate},
                             {"local", TimestampText::kLocal},
                             {"n", TimestampText::kDate}};  // (n is no timestamp: ignored)
  for (const char* name : {"d.csv", "d.jsonl", "d.sqlite"}) {
    const fs::path out = dir.path() / name;
    auto sink = open_sink(out, schema, options);
    if (auto encoder = open_encoder(out, options)) {
      sink->write(*chunk, encoder->encode(*chunk));
    } else {
      sink->write(*chunk);
    }
    sink->commit();
  }
  EXPECT_EQ(read_file(dir.path() / "d.csv"),
            "day,local,t,n\n"
            "2024-01-05,2024-01-05T00:00:00,2024-01-05T00:00:00Z,1\n"
            "1969-12-31,1969-12-31T00:00:00,2024-01-05T00:00:00Z,1\n"
            "2024-01-05T00:00:00.000001,2024-01-05T00:00:00.000001,2024-01-05T00:00:00Z,1\n");
  const std::string jsonl = read_file(dir.path() / "d.jsonl");
  EXPECT_EQ(jsonl.substr(0, jsonl.find('\n') + 1),
            "{\"day\":\"2024-01-05\",\"local\":\"2024-01-05T00:00:00\",\"t\":\"2024-01-05T00:"
            "00:00Z\",\"n\":1}\n");
  CsvReader csv(dir.path() / "d.csv");
  const Rows expected = {{"1704412800000000", "1704412800000000", "1704412800000000", "1"},
                         {"-86400000000", "-86400000000", "1704412800000000", "1"},
                         {"1704412800000001", "1704412800000001", "1704412800000000", "1"}};
  EXPECT_EQ(read_rows(csv), expected);
  EXPECT_EQ(csv.report().column("local")->timestamp_text, TimestampText::kLocal);
  SqliteReader sqlite(dir.path() / "d.sqlite", SqliteOptions{});
  EXPECT_EQ(read_rows(sqlite), expected);
}

TEST_F(SinksTest, CsvRoundTripKeepsValuesAndTypes) {
  const fs::path out = dir.path() / "round.csv";
  auto sink = make_csv_sink(out, five_types());
  sink->write(*sample());
  sink->commit();
  CsvReader reader(out);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kBool, kString, kTimestamp}));
  expect_sample_read_back(reader);
}

// Strings that read as nulls unquoted are quoted; a quoted null spelling reads back as text,
// but an empty string reads back as null (a quoted "" is missing, as pandas reads it).
TEST_F(SinksTest, CsvQuotesNullSpellingsSoTheyReadBackAsText) {
  const fs::path out = dir.path() / "empty.csv";
  Schema schema({{"s", kString}, {"n", kInt64}});
  ChunkBuilder builder(std::make_shared<const Schema>(schema), 3);
  builder.column(0).append_string("");
  builder.column(0).append_string("NA");
  builder.column(0).append_null();
  for (int i = 0; i < 3; ++i) builder.column(1).append_int64(i);
  auto sink = make_csv_sink(out, schema);
  sink->write(*builder.finish(0));
  sink->commit();
  EXPECT_EQ(read_file(out), "s,n\n\"\",0\n\"NA\",1\n,2\n");
  CsvReader reader(out);
  EXPECT_EQ(read_rows(reader), (Rows{{"∅", "0"}, {"NA", "1"}, {"∅", "2"}}));
}

TEST_F(SinksTest, JsonlWritesObjectsWithNullsAndNotesNonFiniteFloats) {
  const fs::path out = dir.path() / "out.jsonl";
  Schema schema({{"x", kFloat64}, {"s", kString}, {"t", kTimestamp}});
  ChunkBuilder builder(std::make_shared<const Schema>(schema), 2);
  builder.column(0).append_float64(std::nan(""));
  builder.column(0).append_float64(1.25);
  builder.column(1).append_string("tab\there \"q\" \x01");
  builder.column(1).append_null();
  builder.column(2).append_int64(86'400'000'000);
  builder.column(2).append_null();
  auto sink = make_jsonl_sink(out, schema);
  sink->write(*builder.finish(0));
  sink->commit();
  EXPECT_EQ(read_file(out),
            "{\"x\":null,\"s\":\"tab\\there \\\"q\\\" \\u0001\",\"t\":\"1970-01-02T00:00:00Z\"}\n"
            "{\"x\":1.25,\"s\":null,\"t\":null}\n");
  ASSERT_EQ(sink->notes().size(), 1U);
  EXPECT_NE(sink->notes()[0].find("1 NaN"), std::string::npos);
  JsonlReader reader(out);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64, kString, kTimestamp}));
}

TEST_F(SinksTest, ChunksEncodedAheadOnSeveralThreadsWriteTheSameFileAsWriteAlone) {
  Schema schema({{"x", kFloat64}, {"s", kString}});
  std::vector<std::shared_ptr<const Chunk>> chunks;
  for (int k = 0; k < 8; ++k) {
    ChunkBuilder builder(std::make_shared<const Schema>(schema), 3);
    builder.column(0).append_float64(k * 0.5);
    builder.column(0).append_float64(std::nan(""));
    builder.column(0).append_null();
    builder.column(1).append_string("a,b");
    builder.column(1).append_string(std::to_string(k));
    builder.column(1).append_null();
    chunks.push_back(builder.finish(static_cast<std::int64_t>(3 * k)));
  }
  for (const std::string name : {"out.tsv", "out.jsonl"}) {
    const fs::path plain = dir.path() / ("plain-" + name);
    const fs::path ahead = dir.path() / ("ahead-" + name);
    auto direct = open_sink(plain, schema);
    for (const auto& chunk : chunks) direct->write(*chunk);
    direct->commit();
    const auto encoder = open_encoder(ahead);
    ASSERT_NE(encoder, nullptr) << name;
    std::vector<EncodedChunk> encoded(chunks.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t k = t; k < chunks.size(); k += 2) encoded[k] = encoder->encode(*chunks[k]);
      });
    }
    for (auto& thread : threads) thread.join();
    auto sink = open_sink(ahead, schema);
    for (std::size_t k = 0; k < chunks.size(); ++k) sink->write(*chunks[k], encoded[k]);
    sink->commit();
    EXPECT_EQ(read_file(ahead), read_file(plain)) << name;
    EXPECT_EQ(sink->notes(), direct->notes()) << name;
    EXPECT_EQ(sink->rows_written(), 24U);
  }
}

// The CSV encoder formats rows in blocks, column by column, and joins them: a chunk spanning
// several blocks, with every type, nulls, quoting and long texts, encodes exactly as its rows
// encoded one at a time.
TEST_F(SinksTest, CsvChunksSpanningManyBlocksEncodeAsTheirRowsOneByOne) {
  const Schema schema = five_types();
  std::mt19937_64 random(17);
  const auto rows = std::int64_t{1000};
  const std::vector<std::string> texts = {
      "plain", "", "NA", "a,b", "say \"hi\"", "two\nlines", std::string(300, 'x')};
  auto fill = [&](ChunkBuilder& builder, std::uint64_t r) {
    if (r % 7 == 3) {
      for (std::size_t c = 0; c < 5; ++c) builder.column(c).append_null();
      return;
    }
    builder.column(0).append_int64(static_cast<std::int64_t>(random()));
    const double f =
        std::ldexp(static_cast<double>(random() % 2000001) - 1e6, -static_cast<int>(r % 20));
    builder.column(1).append_float64(r % 11 == 0 ? std::nan("") : r % 13 == 0 ? -INFINITY : f);
    builder.column(2).append_bool(r % 2 == 0);
    builder.column(3).append_string(texts[r % texts.size()]);
    builder.column(4).append_int64(static_cast<std::int64_t>(random() % 4'000'000'000'000'000ULL));
  };
  ChunkBuilder whole(std::make_shared<const Schema>(schema), rows);
  const auto encoder = open_encoder(dir.path() / "out.csv");
  ASSERT_NE(encoder, nullptr);
  std::string one_by_one;
  const std::mt19937_64 start = random;
  for (std::int64_t r = 0; r < rows; ++r) fill(whole, static_cast<std::uint64_t>(r));
  random = start;
  for (std::int64_t r = 0; r < rows; ++r) {
    ChunkBuilder single(std::make_shared<const Schema>(schema), 1);
    fill(single, static_cast<std::uint64_t>(r));
    one_by_one += encoder->encode(*single.finish(r)).bytes;
  }
  const EncodedChunk encoded = encoder->encode(*whole.finish(0));
  EXPECT_EQ(encoded.rows, static_cast<std::uint64_t>(rows));
  EXPECT_EQ(encoded.bytes, one_by_one);
  EXPECT_NE(encoded.bytes.find("\"say \"\"hi\"\"\""), std::string::npos);
}

// Small pieces are buffered and pieces past the buffer's size are written straight through:
// chunks of a few rows around one of megabytes still land in order.
TEST_F(SinksTest, SmallAndLargeChunksLandInTheirOrder) {
  const Schema schema({{"n", kInt64}, {"s", kString}});
  auto chunk_of = [&](std::int64_t first, std::int64_t rows) {
    ChunkBuilder builder(std::make_shared<const Schema>(schema), rows);
    for (std::int64_t r = first; r < first + rows; ++r) {
      builder.column(0).append_int64(r);
      builder.column(1).append_string(std::string(40, static_cast<char>('a' + r % 26)));
    }
    return builder.finish(first);
  };
  const std::vector<std::pair<std::int64_t, std::int64_t>> pieces = {
      {0, 3}, {3, 60000}, {60003, 2}, {60005, 1}, {60006, 30000}, {90006, 4}};
  const fs::path out = dir.path() / "mixed.csv";
  auto sink = make_csv_sink(out, schema);
  for (const auto& [first, rows] : pieces) sink->write(*chunk_of(first, rows));
  sink->commit();
  std::istringstream lines(read_file(out));
  std::string line;
  std::getline(lines, line);
  ASSERT_EQ(line, "n,s");
  std::int64_t expected = 0;
  while (std::getline(lines, line)) {
    ASSERT_EQ(line, std::to_string(expected) + "," +
                        std::string(40, static_cast<char>('a' + expected % 26)));
    ++expected;
  }
  EXPECT_EQ(expected, 90010);
}

TEST_F(SinksTest, SqliteHasNoEncoderAndRefusesEncodedChunks) {
  const fs::path out = dir.path() / "rows.sqlite";
  EXPECT_EQ(open_encoder(out), nullptr);
  EXPECT_THROW((void)open_encoder(dir.path() / "rows.parquet"), OutputError);
  auto sink = open_sink(out, five_types());
  EXPECT_THROW(sink->write(*sample(), EncodedChunk{}), std::logic_error);
}

TEST_F(SinksTest, SqliteRoundTripKeepsValuesAndTypes) {
  const fs::path out = dir.path() / "out.sqlite";
  SinkOptions options;
  options.table = "results";
  auto sink = make_sqlite_sink(out, five_types(), options);
  sink->write(*sample());
  sink->write(*sample());
  sink->commit();
  SqliteOptions read;
  read.table = "results";
  SqliteReader reader(out, read);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kBool, kString, kTimestamp}));
  const Rows rows = read_rows(reader);
  ASSERT_EQ(rows.size(), 6U);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"9223372036854775807", "0.10000000000000001",
                                               "false", "a,\"b\"\nc", "0"}));
  EXPECT_EQ(rows[5], (std::vector<std::string>{"∅", "∅", "∅", "∅", "∅"}));
}

TEST_F(SinksTest, NothingAppearsAtTheDestinationBeforeCommit) {
  const fs::path out = dir.path() / "atomic.csv";
  auto sink = make_csv_sink(out, five_types());
  sink->write(*sample());
  EXPECT_FALSE(fs::exists(out));
  const std::vector<std::string> files = stray_files(dir.path());
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].front(), '.');
  EXPECT_TRUE(files[0].ends_with(".partial")) << files[0];
  sink->commit();
  EXPECT_TRUE(fs::exists(out));
  EXPECT_EQ(stray_files(dir.path()), (std::vector<std::string>{"atomic.csv"}));
}

// An output gets the permissions any program's new file gets under the process umask (0644
// under the usual 022), not the owner-only 0600 of a temporary file, in every format.
TEST_F(SinksTest, OutputsGetTheUmasksPermissions) {
  for (const mode_t mask : {mode_t{022}, mode_t{077}, mode_t{002}}) {
    for (const std::string extension : {".csv", ".jsonl", ".sqlite"}) {
      const fs::path out = dir.path() / ("mode_" + std::to_string(mask) + extension);
      const mode_t previous = ::umask(mask);
      auto sink = open_sink(out, five_types());
      sink->write(*sample());
      sink->commit();
      ::umask(previous);
      struct stat info {};
      ASSERT_EQ(::stat(out.c_str(), &info), 0) << out;
      EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask) << out;
    }
  }
}

TEST_F(SinksTest, DestroyingWithoutCommitRemovesTheTemporaryFile) {
  for (const char* name : {"gone.csv", "gone.jsonl", "gone.db"}) {
    {
      auto sink = open_sink(dir.path() / name, five_types());
      sink->write(*sample());
    }
    EXPECT_TRUE(stray_files(dir.path()).empty()) << name;
  }
}

TEST_F(SinksTest, AnExistingDestinationIsRefusedUnlessOverwriting) {
  const fs::path out = dir.write("taken.jsonl", "old\n");
  EXPECT_THROW((void)make_jsonl_sink(out, five_types()), OutputError);
  EXPECT_EQ(read_file(out), "old\n");
  SinkOptions options;
  options.overwrite = true;
  auto sink = make_jsonl_sink(out, five_types(), options);
  sink->write(*sample());
  sink->commit();
  EXPECT_NE(read_file(out), "old\n");
}

TEST_F(SinksTest, ADestinationCreatedDuringTheWriteIsNotReplaced) {
  const fs::path out = dir.path() / "race.csv";
  auto sink = make_csv_sink(out, five_types());
  sink->write(*sample());
  dir.write("race.csv", "someone else's\n");
  EXPECT_THROW(sink->commit(), OutputError);
  EXPECT_EQ(read_file(out), "someone else's\n");
}

TEST_F(SinksTest, RejectsChunksOfAnotherSchemaAndUnknownExtensions) {
  auto sink = make_csv_sink(dir.path() / "s.csv", Schema({{"only", kInt64}}));
  EXPECT_THROW(sink->write(*sample()), std::invalid_argument);
  EXPECT_THROW((void)open_sink(dir.path() / "x.xlsx", five_types()), OutputError);
  EXPECT_THROW((void)open_sink(dir.path() / "missing-dir" / "x.csv", five_types()), OutputError);
}

TEST_F(SinksTest, DecimalCommaWritesCommaPointsBetweenSemicolonsAndReadsBack) {
  SinkOptions options;
  options.decimal = ',';
  const fs::path out = dir.path() / "eu.csv";
  auto sink = open_sink(out, five_types(), options);
  sink->write(*sample());
  sink->commit();
  // Floats only: the timestamp keeps its '.', the text its ','.
  EXPECT_EQ(read_file(out),
            "i;f;b;s;t\n"
            "-42;2,0;true;plain;2024-01-31T12:34:56.5Z\n"
            "9223372036854775807;0,1;false;\"a,\"\"b\"\"\nc\";1970-01-01T00:00:00Z\n"
            ";;;;\n");
  // The encoder a pipeline formats chunks with ahead of the write gives the same rows.
  const std::string text = read_file(out);
  EXPECT_EQ(open_encoder(out, options)->encode(*sample()).bytes, text.substr(text.find('\n') + 1));
  CsvOptions read_options;
  read_options.decimal = ',';
  CsvReader reader(out, read_options);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kBool, kString, kTimestamp}));
  expect_sample_read_back(reader);
}

TEST_F(SinksTest, DecimalCommaKeepsAGivenDelimiterAndIsRefusedWhereNumbersAreNotText) {
  SinkOptions options;
  options.decimal = ',';
  const Schema schema({{"x", kFloat64}, {"y", kFloat64}});
  ChunkBuilder builder(std::make_shared<const Schema>(schema), 1);
  builder.column(0).append_float64(-1.5e20);
  builder.column(1).append_float64(0.000125);
  const auto chunk = builder.finish(0);
  auto tsv = open_sink(dir.path() / "eu.tsv", schema, options);
  tsv->write(*chunk);
  tsv->commit();
  EXPECT_EQ(read_file(dir.path() / "eu.tsv"), "x\ty\n-1,5e+20\t0,000125\n");
  options.delimiter = '|';
  auto piped = open_sink(dir.path() / "eu.txt", schema, options);
  piped->write(*chunk);
  piped->commit();
  EXPECT_EQ(read_file(dir.path() / "eu.txt"), "x|y\n-1,5e+20|0,000125\n");
  for (const char* name : {"eu.jsonl", "eu.sqlite"}) {
    try {
      (void)open_sink(dir.path() / name, schema, options);
      ADD_FAILURE() << name << " took decimal ','";
    } catch (const OutputError& e) {
      EXPECT_NE(std::string(e.what()).find("applies to .csv, .tsv and .txt"), std::string::npos)
          << e.what();
    }
  }
  // What a CSV file cannot have is refused by the writer itself, whoever asks for it.
  options.decimal = ';';
  EXPECT_THROW((void)open_encoder(dir.path() / "odd.csv", options), OutputError);
  options.decimal = ',';
  options.delimiter = ',';
  EXPECT_THROW((void)make_csv_sink(dir.path() / "clash.csv", schema, options), OutputError);
  options.decimal = '.';
  options.delimiter = '"';
  EXPECT_THROW((void)make_csv_sink(dir.path() / "quote.csv", schema, options), OutputError);
  options.delimiter = ',';
  // A given delimiter is kept, even for a .tsv (only a missing one becomes TAB).
  EXPECT_EQ(open_encoder(dir.path() / "comma.tsv", options)->encode(*chunk).bytes,
            "-1.5e+20,0.000125\n");
}

TEST_F(SinksTest, TsvSinkUsesTabs) {
  const fs::path out = dir.path() / "t.tsv";
  auto sink = open_sink(out, Schema({{"a", kString}, {"b", kInt64}}));
  ChunkBuilder builder(std::make_shared<const Schema>(Schema({{"a", kString}, {"b", kInt64}})), 1);
  builder.column(0).append_string("x,y");
  builder.column(1).append_int64(1);
  sink->write(*builder.finish(0));
  sink->commit();
  EXPECT_EQ(read_file(out), "a\tb\nx,y\t1\n");
}

//! Doubles of the kinds files hold and the edges of the sink's fast formatting path: short
//! decimals at many magnitudes and signs, values next to them, around 10^-3 and 10^15, sums
//! that do not round trip short (0.1 + 0.2), and random bit patterns.
std::vector<double> awkward_doubles() {
  std::mt19937_64 random(20261123);
  std::vector<double> values = {
      0.001, 0.0001234, 0.00099999, 1e15, 999999999999999.0, 999999999999999.9, 0.1 + 0.2,
      1.0 / 3.0, 123456.0, 1e14, 4503599627370496.5, 0.5, 2.5, -0.125, 9.999999999999999, 1200.0,
      -1e13, 0.0012, 100.0, 0.000999, 1e5, 123456789012345.0, 0.010000000000000002,
      // At the edges of the eight-digit path: eight digits with seven
      // before the point, nine digits, a rounding to 10^8, 10^-3.
      1234567.8, 9999999.5, 9999999.95, 99999999.5, 0.00999999995, 0.001, 0.0012345678, 0.99999999,
      0.999999995};
  for (int i = 0; i < 200'000; ++i) {
    const int decimals = static_cast<int>(random() % 9);
    const auto mantissa =
        static_cast<std::int64_t>(random() % 100'000'000'000ULL) - 50'000'000'000LL;
    const double scale = std::pow(10.0, static_cast<double>(random() % 12) - 6.0);
    const double decimal =
        static_cast<double>(mantissa % (std::int64_t{1} << (random() % 40 + 4))) /
        std::pow(10.0, decimals);
    values.push_back(decimal);
    values.push_back(decimal * scale);
    values.push_back(std::nextafter(decimal, 0.0));
    const std::uint64_t bits = random();
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    if (std::isfinite(any)) values.push_back(any);
  }
  return values;
}

TEST_F(SinksTest, CsvWritesEveryFloatAsTheShortestTextThatReadsBack) {
  // The reference is std::to_chars (shortest round trip), with ".0" marking integral values.
  const std::vector<double> values = awkward_doubles();
  const Schema schema({{"f", kFloat64}});
  ChunkBuilder builder(std::make_shared<const Schema>(schema), values.size());
  for (const double v : values) builder.column(0).append_float64(v);
  const fs::path out = dir.path() / "floats.csv";
  auto sink = make_csv_sink(out, schema);
  sink->write(*builder.finish(0));
  sink->commit();
  std::istringstream lines(read_file(out));
  std::string line;
  std::getline(lines, line);
  ASSERT_EQ(line, "f");
  for (const double v : values) {
    ASSERT_TRUE(std::getline(lines, line));
    char expected[32];
    std::string text(expected, std::to_chars(expected, expected + sizeof expected, v).ptr);
    if (text.find_first_of(".e") == std::string::npos && std::isfinite(v)) text += ".0";
    ASSERT_EQ(line, text) << "value with bits " << std::bit_cast<std::uint64_t>(v);
  }
}

}  // namespace
}  // namespace quarry::io
