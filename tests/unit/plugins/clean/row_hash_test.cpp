// RowHashTable: the open-addressing table of row hashes behind clean_dedup. It doubles in
// place inside reserved memory, moving keys within the slots; every key must stay findable
// across many doublings, including keys that crowd the same slots and runs of slots that wrap
// round the end of the table, and past the reservation. Expected answers come from
// std::unordered_map over the same keys.

#include "detail/row_hash.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <unordered_map>
#include <vector>

namespace quarry::clean {
namespace {

struct Hash128Hasher {
  std::size_t operator()(const Hash128& h) const noexcept { return h.lo ^ (h.hi * 31); }
};

// Inserts `keys` (with their index as value) and checks every answer against a map.
void expect_like_a_map(const std::vector<Hash128>& keys, std::uint64_t max_bytes) {
  for (bool with_values : {false, true}) {
    RowHashTable table(with_values, max_bytes);
    std::unordered_map<Hash128, std::int64_t, Hash128Hasher> expected;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::int64_t* existing = nullptr;
      const bool fresh = expected.emplace(keys[i], static_cast<std::int64_t>(i)).second;
      ASSERT_EQ(table.insert(keys[i], static_cast<std::int64_t>(i), &existing), fresh) << i;
      if (!fresh && with_values) {
        EXPECT_EQ(*existing, expected.at(keys[i]));
      }
    }
    ASSERT_EQ(table.size(), expected.size());
    for (const auto& [key, value] : expected) {
      const std::int64_t* found = table.find(key);
      ASSERT_NE(found, nullptr);
      if (with_values) {
        EXPECT_EQ(*found, value);
      }
    }
    std::size_t visited = 0;
    table.for_each_key([&](const Hash128& key) {
      // (0, 0) marks an empty slot, so that key is kept as (0, 1).
      const bool empty_marker = key == Hash128{0, 1} && expected.count(Hash128{0, 0}) != 0;
      EXPECT_TRUE(expected.count(key) != 0 || empty_marker);
      ++visited;
    });
    EXPECT_EQ(visited, expected.size());
    EXPECT_EQ(table.find(Hash128{0x1234, 0x5678}), nullptr);
  }
}

TEST(RowHashTable, RandomKeysStayFindableAcrossDoublings) {
  std::mt19937_64 random(7);
  std::vector<Hash128> keys;
  for (int i = 0; i < 300'000; ++i) keys.push_back(Hash128{random(), random()});
  for (int i = 0; i < 50'000; ++i) keys.push_back(keys[random() % keys.size()]);  // repeats
  expect_like_a_map(keys, 64ull << 20);
}

TEST(RowHashTable, KeysCrowdingTheSameSlotsAndWrappingRoundTheEndStayFindable) {
  // Homes packed into the last slots of every table size (low bits all ones) and into the
  // first ones, so that runs of occupied slots cross the end of the table at every doubling.
  std::mt19937_64 random(11);
  std::vector<Hash128> keys;
  for (int i = 0; i < 40'000; ++i) {
    const std::uint64_t high = random() << 24;
    const std::uint64_t low = i % 3 == 0 ? 0xFFFFFF - (random() % 64) : random() % 64;
    keys.push_back(Hash128{high | low, random()});
  }
  keys.push_back(Hash128{0, 0});  // the empty marker's bit pattern is a key like any other
  expect_like_a_map(keys, 64ull << 20);
}

TEST(RowHashTable, ClusteredHomesAnywhereInSmallTablesStayFindable) {
  // Hundreds of small tables (a few doublings each) whose keys crowd a few random stretches
  // of slots, some at the very end, so that runs of every length start, end and wrap
  // everywhere the in-place doubling walks.
  std::mt19937_64 random(13);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<Hash128> keys;
    const int count = 200 + static_cast<int>(random() % 3000);
    const int clusters = 1 + static_cast<int>(random() % 4);
    std::vector<std::uint64_t> starts;
    for (int c = 0; c < clusters; ++c) starts.push_back(random() % 4096);
    starts.back() = 4096 - 1 - random() % 16;  // one at the end of a 4096-slot table
    for (int i = 0; i < count; ++i) {
      const std::uint64_t home = (starts[random() % starts.size()] + random() % 24) % 4096;
      keys.push_back(Hash128{(random() << 12) | home, random()});
    }
    expect_like_a_map(keys, 64ull << 20);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "trial " << trial;
      return;
    }
  }
}

TEST(RowHashTable, ATablePastItsReservationMovesAndKeepsEveryKey) {
  std::mt19937_64 random(3);
  std::vector<Hash128> keys;
  for (int i = 0; i < 100'000; ++i) keys.push_back(Hash128{random(), random()});
  expect_like_a_map(keys, 64 << 10);  // room for 4096 slots: moves several times
}

// In a child process: limits the address space to 1 GiB more than is mapped now, grows a table
// whose budget (64 GiB) cannot be reserved, and exits 0 when every key went in.
[[noreturn]] void fill_a_table_under_an_address_space_limit() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  statm >> pages;
  rlimit limit{};
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  limit.rlim_cur = limit.rlim_max = pages * page + (1ull << 30);
  if (::setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(2);
  RowHashTable table(true, 64ull << 30);
  std::mt19937_64 random(17);
  for (int i = 0; i < 200'000; ++i) table.insert(Hash128{random(), random()}, i);
  std::_Exit(table.size() == 200'000 ? 0 : 1);
}

TEST(RowHashTable, AnAddressSpaceLimitShrinksTheReservationInsteadOfFailing) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves its shadow memory beyond any such limit";
#else
  EXPECT_EXIT(fill_a_table_under_an_address_space_limit(), ::testing::ExitedWithCode(0), "");
#endif
}

TEST(RowHashTable, BytesAfterInsertForetellsTheGrowth) {
  RowHashTable table(false, 1ull << 30);
  EXPECT_EQ(table.bytes(), 0u);
  std::mt19937_64 random(5);
  for (int i = 0; i < 20'000; ++i) {
    const std::uint64_t foretold = table.bytes_after_insert();
    table.insert(Hash128{random(), random()}, 0);
    ASSERT_EQ(table.bytes(), foretold);
  }
  table.clear();
  EXPECT_EQ(table.bytes(), 0u);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.insert(Hash128{1, 2}, 0));
}

}  // namespace
}  // namespace quarry::clean
