//! Unit tests for the column cache behind CsvReader (io/detail/column_cache.hpp): a second
//! read of an unchanged file comes from the cache and equals a parse, value for value and
//! report for report; projections, changed and damaged files, partial reads, the budget.

#include "quarry/io/csv_reader.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace quarry::io {
namespace {

namespace fs = std::filesystem;
using testing::names_of;
using testing::read_rows;
using testing::TempDir;
using testing::types_of;
using Rows = std::vector<std::vector<std::string>>;
using enum ColumnType;

//! Every column type, nulls, quoted text with delimiters and line breaks, invalid UTF-8,
//! short rows (padded) and a forced int column with values that do not fit (coerced).
std::string mixed_rows(std::size_t rows, std::uint64_t seed = 3) {
  std::mt19937_64 random(seed);
  std::string out = "id,amount,flag,when,label,code\n";
  for (std::size_t r = 0; r < rows; ++r) {
    out += std::to_string(r) + ",";
    out += random() % 10 == 0 ? "NA" : std::to_string(static_cast<double>(random() % 100000) / 8);
    out += random() % 2 == 0 ? ",true," : ",False,";
    out += "2024-0" + std::to_string(1 + random() % 9) + "-1" + std::to_string(random() % 10) +
           "T12:0" + std::to_string(random() % 10) + ":00Z,";
    switch (random() % 4) {
      case 0:
        out += "\"a, \"\"quoted\"\"\nline\"";
        break;
      case 1:
        out += "caf\xC3\xA9";
        break;
      case 2:
        out += "bad\xFFutf8";
        break;
      default:
        out += "";
        break;
    }
    if (random() % 53 == 0) {
      out += "\n";  // a short row: no `code`
      continue;
    }
    out += random() % 41 == 0 ? ",oops\n" : "," + std::to_string(random() % 1000) + "\n";
  }
  return out;
}

struct Read {
  bool cached = false;
  std::vector<std::string> names;
  std::vector<ColumnType> types;
  Rows rows;
  ReadReport report;
};

class ColumnCacheTest : public ::testing::Test {
 protected:
  TempDir dir;
  fs::path cache = dir.path() / "cache";

  CsvOptions options(std::vector<std::string> only = {}) const {
    CsvOptions o;
    o.chunk_bytes = 4096;  // a few dozen chunks
    o.threads = 2;
    o.on_ragged_row = RaggedRowPolicy::kPadOrTruncate;
    o.column_types = {{"code", kInt64}};
    o.only_columns = std::move(only);
    o.column_cache = {cache, 64ULL << 20};
    return o;
  }

  static Read read(const fs::path& path, CsvOptions o) {
    CsvReader reader(path, std::move(o));
    Read out{reader.from_column_cache(),
             names_of(reader.schema()),
             types_of(reader.schema()),
             read_rows(reader),
             {}};
    out.report = reader.report();
    return out;
  }

  //! Files under the cache directory (entries and stray temporaries).
  std::vector<fs::path> cache_files() const {
    std::vector<fs::path> files;
    if (!fs::exists(cache)) return files;
    for (const auto& e : fs::recursive_directory_iterator(cache)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    return files;
  }
};

void expect_same_report(const ReadReport& a, const ReadReport& b) {
  EXPECT_EQ(a.rows_read, b.rows_read);
  EXPECT_EQ(a.malformed_rows_skipped, b.malformed_rows_skipped);
  EXPECT_EQ(a.rows_padded_or_truncated, b.rows_padded_or_truncated);
  EXPECT_EQ(a.notes, b.notes);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    SCOPED_TRACE(a.columns[c].name);
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].type, b.columns[c].type);
    EXPECT_EQ(a.columns[c].coerced_to_null, b.columns[c].coerced_to_null);
    EXPECT_EQ(a.columns[c].invalid_utf8_replaced, b.columns[c].invalid_utf8_replaced);
    EXPECT_EQ(a.columns[c].notes, b.columns[c].notes);
    EXPECT_EQ(a.columns[c].timestamp_text, b.columns[c].timestamp_text);
    ASSERT_EQ(a.columns[c].examples.size(), b.columns[c].examples.size());
    for (std::size_t e = 0; e < a.columns[c].examples.size(); ++e) {
      EXPECT_EQ(a.columns[c].examples[e].row, b.columns[c].examples[e].row);
      EXPECT_EQ(a.columns[c].examples[e].line, b.columns[c].examples[e].line);
      EXPECT_EQ(a.columns[c].examples[e].value, b.columns[c].examples[e].value);
      EXPECT_EQ(a.columns[c].examples[e].reason, b.columns[c].examples[e].reason);
    }
  }
}

void expect_same(const Read& a, const Read& b) {
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.rows, b.rows);
  expect_same_report(a.report, b.report);
}

TEST_F(ColumnCacheTest, SecondReadComesFromTheCacheAndEqualsAParse) {
  const auto path = dir.write("mixed.csv", mixed_rows(3000));
  CsvOptions off = options();
  off.column_cache = {};
  const Read parsed = read(path, off);
  ASSERT_EQ(parsed.types, (std::vector{kInt64, kFloat64, kBool, kTimestamp, kString, kInt64}));
  ASSERT_GT(parsed.report.column("code")->coerced_to_null, 0u);
  ASSERT_GT(parsed.report.column("label")->invalid_utf8_replaced, 0u);
  ASSERT_GT(parsed.report.rows_padded_or_truncated, 0u);
  EXPECT_TRUE(cache_files().empty());

  const Read first = read(path, options());
  EXPECT_FALSE(first.cached);
  expect_same(first, parsed);
  const Read second = read(path, options());
  EXPECT_TRUE(second.cached);
  expect_same(second, parsed);
}

TEST_F(ColumnCacheTest, AColumnOfDatesAloneIsStillOneWhenReadBack) {
  std::string text = "day,n\n";
  for (int r = 0; r < 500; ++r) text += "2024-03-1" + std::to_string(r % 10) + "," + "1\n";
  const auto path = dir.write("days.csv", text);
  CsvOptions o = options();
  o.column_types.clear();
  const Read first = read(path, o);
  ASSERT_EQ(first.report.column("day")->timestamp_text, TimestampText::kDate);
  const Read second = read(path, o);
  EXPECT_TRUE(second.cached);
  expect_same(second, first);
}

TEST_F(ColumnCacheTest, ChunksReadInAnyOrderFromSeveralThreadsMatch) {
  const auto path = dir.write("mixed.csv", mixed_rows(2000));
  (void)read(path, options());
  CsvReader cached(path, options());
  ASSERT_TRUE(cached.from_column_cache());
  CsvOptions off = options();
  off.column_cache = {};
  CsvReader parsed(path, off);
  ASSERT_EQ(cached.chunk_count(), parsed.chunk_count());
  std::vector<std::shared_ptr<const Chunk>> chunks(cached.chunk_count());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = chunks.size(); i-- > 0;) {
        if (i % 2 == t) chunks[i] = cached.read_chunk(i);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const auto expected = parsed.read_chunk(i);
    ASSERT_EQ(chunks[i]->sequence(), i);
    ASSERT_EQ(chunks[i]->num_rows(), expected->num_rows());
    for (std::size_t c = 0; c < expected->num_columns(); ++c) {
      EXPECT_EQ(chunks[i]->column(c).null_count(), expected->column(c).null_count());
      for (std::int64_t r = 0; r < expected->num_rows(); ++r) {
        ASSERT_EQ(testing::cell_text(chunks[i]->column(c), r),
                  testing::cell_text(expected->column(c), r));
      }
    }
  }
  EXPECT_EQ(cached.report().rows_read, parsed.report().rows_read);
}

TEST_F(ColumnCacheTest, APassAfterTheOneThatFilledTheCacheReadsItBack) {
  const auto path = dir.write("mixed.csv", mixed_rows(2000));
  CsvReader reader(path, options());
  ASSERT_FALSE(reader.from_column_cache());
  const Rows parsed = read_rows(reader);
  const ReadReport parsed_report = reader.report();
  reader.rewind();
  EXPECT_TRUE(reader.from_column_cache());
  EXPECT_EQ(read_rows(reader), parsed);
  expect_same_report(reader.report(), parsed_report);
}

TEST_F(ColumnCacheTest, ProjectionsAreServedWhenTheirColumnsAreCachedAndTheRestIsAdded) {
  const auto path = dir.write("mixed.csv", mixed_rows(1500));
  EXPECT_FALSE(read(path, options({"amount", "label"})).cached);
  const Read label = read(path, options({"label"}));
  EXPECT_TRUE(label.cached);
  EXPECT_EQ(label.names, std::vector<std::string>{"label"});
  CsvOptions off = options({"label"});
  off.column_cache = {};
  expect_same(label, read(path, off));
  EXPECT_FALSE(read(path, options({"label", "when"})).cached);  // `when` was never parsed
  EXPECT_TRUE(read(path, options({"when"})).cached);
  EXPECT_FALSE(read(path, options()).cached);
  EXPECT_TRUE(read(path, options()).cached);
}

TEST_F(ColumnCacheTest, AProjectionServedFromAWholeReadReportsAsAParseWould) {
  const auto path = dir.write("mixed.csv", mixed_rows(1500));
  (void)read(path, options());
  const Read cached = read(path, options({"code", "label"}));
  ASSERT_TRUE(cached.cached);
  CsvOptions off = options({"code", "label"});
  off.column_cache = {};
  expect_same(cached, read(path, off));
}

TEST_F(ColumnCacheTest, AnUnknownColumnIsLeftToTheParserToName) {
  const auto path = dir.write("mixed.csv", mixed_rows(500));
  (void)read(path, options());
  const Read unknown = read(path, options({"label", "nope"}));
  EXPECT_FALSE(unknown.cached);
  EXPECT_EQ(unknown.names.size(), 6u);  // the reader's rule: every column, for the caller to name
}

TEST_F(ColumnCacheTest, AChangedFileIsParsedAgain) {
  const auto path = dir.write("mixed.csv", mixed_rows(1000, 3));
  (void)read(path, options());
  ASSERT_TRUE(read(path, options()).cached);
  // Same size, other values, and a later modification time.
  std::string changed = mixed_rows(1000, 3);
  changed[changed.find('\n') + 1] = changed[changed.find('\n') + 1] == '0' ? '9' : '0';
  dir.write("mixed.csv", changed);
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
  const Read after = read(path, options());
  EXPECT_FALSE(after.cached);
  EXPECT_NE(after.rows.front().front(), "0");
}

TEST_F(ColumnCacheTest, AFileChangedDuringItsReadIsNotCachedAndTheReportSaysSo) {
  const auto path = dir.write("mixed.csv", mixed_rows(1000, 3));
  {
    CsvReader reader(path, options());
    fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
    while (reader.next()) {
    }
    const auto notes = reader.report().notes;
    ASSERT_FALSE(notes.empty());
    EXPECT_NE(notes.back().find("the file changed while it was being read"), std::string::npos)
        << notes.back();
  }
  EXPECT_FALSE(read(path, options()).cached);
  EXPECT_TRUE(read(path, options()).cached);  // the read after that one filled it
}

TEST_F(ColumnCacheTest, ADamagedColumnFileIsIgnoredAndReplaced) {
  const auto path = dir.write("mixed.csv", mixed_rows(1000));
  const Read original = read(path, options());
  for (const fs::path& file : cache_files()) {
    if (file.filename() == "col-4.bin") fs::resize_file(file, fs::file_size(file) - 10);
  }
  const Read damaged = read(path, options());
  EXPECT_FALSE(damaged.cached);
  expect_same(damaged, original);
  const Read mended = read(path, options());
  EXPECT_TRUE(mended.cached);
  expect_same(mended, original);
}

TEST_F(ColumnCacheTest, DamagedStringOffsetsFailTheReadCleanlyAndAreRemoved) {
  const auto path = dir.write("mixed.csv", mixed_rows(1000));
  const Read original = read(path, options({"label"}));
  fs::path label_file;
  for (const fs::path& file : cache_files()) {
    if (file.filename() == "col-4.bin") label_file = file;
  }
  ASSERT_FALSE(label_file.empty());
  {  // The trailer says where the first chunk's offsets are; make its second offset wild.
    std::fstream f(label_file, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(fs::file_size(label_file));
    std::uint64_t trailer_size = 0;
    f.seekg(size - 16);
    f.read(reinterpret_cast<char*>(&trailer_size), sizeof trailer_size);
    std::string trailer(trailer_size, '\0');
    f.seekg(size - 16 - static_cast<std::streamoff>(trailer_size));
    f.read(trailer.data(), static_cast<std::streamsize>(trailer_size));
    const auto chunk = nlohmann::json::parse(trailer).at("chunks").at(0);  // offset, rows, nulls,
    const auto validity = chunk.at(3).get<std::uint64_t>();                // validity bytes, …
    const auto offsets = chunk.at(0).get<std::uint64_t>() + (validity + 63) / 64 * 64;
    const std::int32_t wild = 0x7fffff00;
    f.seekp(static_cast<std::streamoff>(offsets + sizeof wild));
    f.write(reinterpret_cast<const char*>(&wild), sizeof wild);
  }
  CsvReader reader(path, options({"label"}));
  ASSERT_TRUE(reader.from_column_cache());
  try {
    (void)read_rows(reader);
    ADD_FAILURE() << "damaged offsets were read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(label_file));
  const Read again = read(path, options({"label"}));
  EXPECT_FALSE(again.cached);
  expect_same(again, original);
}

TEST_F(ColumnCacheTest, APartialReadLeavesNothingBehind) {
  const auto path = dir.write("mixed.csv", mixed_rows(2000));
  {
    CsvReader reader(path, options());
    ASSERT_GT(reader.chunk_count(), 3u);
    (void)reader.next();
    (void)reader.read_chunk(2);
  }
  for (const fs::path& file : cache_files()) ADD_FAILURE() << "left behind: " << file;
  EXPECT_FALSE(read(path, options()).cached);
}

TEST_F(ColumnCacheTest, AZeroBudgetOrAFileLargerThanTheBudgetWritesNothing) {
  const auto path = dir.write("mixed.csv", mixed_rows(2000));
  CsvOptions none = options();
  none.column_cache.max_bytes = 0;
  const Read off = read(path, none);
  (void)read(path, none);
  EXPECT_FALSE(read(path, none).cached);
  CsvOptions tiny = options();
  tiny.column_cache.max_bytes = 1024;
  const Read too_large = read(path, tiny);
  EXPECT_FALSE(read(path, tiny).cached);
  EXPECT_TRUE(cache_files().empty());
  // A cache turned off says nothing; one too small for the file says so and what to change.
  EXPECT_EQ(too_large.report.notes.size(), off.report.notes.size() + 1);
  EXPECT_NE(too_large.report.notes.back().find("raise cache.columns_max_mb"), std::string::npos)
      << too_large.report.notes.back();
}

TEST_F(ColumnCacheTest, AnUnwritableCacheDirectoryIsANoteNotAFailure) {
  const auto path = dir.write("mixed.csv", mixed_rows(200));
  dir.write("not-a-directory", "x");
  CsvOptions o = options();
  o.column_cache.directory = dir.path() / "not-a-directory" / "cache";
  const Read result = read(path, o);
  EXPECT_FALSE(result.cached);
  ASSERT_FALSE(result.report.notes.empty());
  EXPECT_NE(result.report.notes.back().find("set cache.columns_dir"), std::string::npos)
      << result.report.notes.back();
}

TEST_F(ColumnCacheTest, TheLeastRecentlyUsedEntriesGoWhenTheBudgetIsExceeded) {
  std::vector<fs::path> files;
  for (int i = 0; i < 3; ++i) {
    files.push_back(dir.write("f" + std::to_string(i) + ".csv", mixed_rows(20000, 10 + i)));
  }
  CsvOptions measure = options();
  (void)read(files[0], measure);
  std::uint64_t one_entry = 0;
  for (const fs::path& file : cache_files()) one_entry += fs::file_size(file);
  ASSERT_GT(one_entry, 0u);
  fs::remove_all(cache);

  CsvOptions two = options();
  two.column_cache.max_bytes = one_entry * 5 / 2;  // room for two entries, not three
  (void)read(files[0], two);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  (void)read(files[1], two);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(read(files[0], two).cached);  // file 0 is now the more recently used
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  (void)read(files[2], two);
  std::uint64_t total = 0;
  for (const fs::path& file : cache_files()) total += fs::file_size(file);
  EXPECT_LE(total, two.column_cache.max_bytes);
  EXPECT_TRUE(read(files[0], two).cached);
  EXPECT_TRUE(read(files[2], two).cached);
  EXPECT_FALSE(read(files[1], two).cached);  // evicted
}

TEST_F(ColumnCacheTest, EvictionAndPermissionsLeaveAloneWhatTheCacheDidNotMake) {
  // The configured directory may be a shared one: its mode stays, and only directories the
  // cache made (16 hex digits, nothing but cache files inside) are ever deleted.
  fs::create_directories(cache / "photos");
  std::ofstream(cache / "photos" / "a.jpg") << "not a cache file";
  fs::create_directories(cache / "0123456789abcdef");
  std::ofstream(cache / "0123456789abcdef" / "mine.txt") << "not a cache file";
  fs::permissions(cache, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  fs::perm_options::replace);
  const auto first = dir.write("first.csv", mixed_rows(3000, 1));
  const auto second = dir.write("second.csv", mixed_rows(3000, 2));
  (void)read(first, options());
  std::uint64_t one_entry = 0;
  fs::path entry;
  for (const auto& e : fs::directory_iterator(cache)) {
    const auto name = e.path().filename();
    if (name == "photos" || name == "0123456789abcdef") continue;
    entry = e.path();
    for (const auto& f : fs::directory_iterator(entry)) one_entry += f.file_size();
  }
  ASSERT_FALSE(entry.empty());
  CsvOptions room_for_one = options();
  // Room for the second file's estimate (its CSV size), not for both entries.
  room_for_one.column_cache.max_bytes = fs::file_size(second) + 8192;
  ASSERT_LT(room_for_one.column_cache.max_bytes, 2 * one_entry);
  (void)read(second, room_for_one);  // commits, then evicts the first entry
  EXPECT_TRUE(read(second, room_for_one).cached);
  EXPECT_FALSE(fs::exists(entry));
  EXPECT_TRUE(fs::exists(cache / "photos" / "a.jpg"));
  EXPECT_TRUE(fs::exists(cache / "0123456789abcdef" / "mine.txt"));
  EXPECT_EQ(fs::status(cache).permissions() & fs::perms::group_read, fs::perms::group_read);
}

}  // namespace
}  // namespace quarry::io
