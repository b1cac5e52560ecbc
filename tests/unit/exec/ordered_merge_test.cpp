// OrderedMerge (host/src/exec/detail/ordered_merge.hpp): the combined state depends only on
// the set of chunks, never on the order or the threads that added them, and the states left
// waiting stay bounded.
#include "exec/detail/ordered_merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace quarry::exec::detail {
namespace {

// A state is the bracketed record of its merges, e.g. "((0 1) 2)": equal strings mean the
// same merges with the same operands in the same order.
void bracket(std::string& into, std::string& from) {
  into = "(" + into + " " + from + ")";
}
using Fold = OrderedMerge<std::string, decltype(&bracket)>;

std::string combine(const std::vector<std::uint64_t>& order) {
  Fold fold(&bracket, order.size());
  for (std::uint64_t sequence : order) fold.add(sequence, std::to_string(sequence));
  return fold.take_combined().value_or("");
}

TEST(OrderedMerge, FoldsStatesInSequenceOrder) {
  EXPECT_EQ(combine({0, 1, 2, 3}), "(((0 1) 2) 3)");
  EXPECT_EQ(combine({0}), "0");
  EXPECT_EQ(combine({}), "");
}

TEST(OrderedMerge, GivesTheSameMergesWhateverOrderTheStatesArriveIn) {
  std::vector<std::uint64_t> order(37);
  std::iota(order.begin(), order.end(), 0U);
  const std::string in_order = combine(order);
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(order.begin(), order.end(), random);
    EXPECT_EQ(combine(order), in_order) << "round " << round;
  }
}

TEST(OrderedMerge, FoldsWhatComesAfterAMissingChunkAtTheEnd) {
  Fold fold(&bracket);
  for (std::uint64_t sequence : {0, 1, 3, 4}) fold.add(sequence, std::to_string(sequence));
  EXPECT_EQ(fold.take_combined().value_or(""), "(((0 1) 3) 4)");
}

TEST(OrderedMerge, GivesTheSameMergesWhenThreadsAddConcurrently) {
  constexpr std::uint64_t kChunks = 400;
  std::vector<std::uint64_t> order(kChunks);
  std::iota(order.begin(), order.end(), 0U);
  const std::string in_order = combine(order);
  for (int round = 0; round < 5; ++round) {
    Fold fold(&bracket, 4);
    std::atomic<std::uint64_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&fold, &next] {
        for (std::uint64_t s = next++; s < kChunks; s = next++) fold.add(s, std::to_string(s));
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(fold.take_combined().value_or(""), in_order) << "round " << round;
  }
}

// A state that counts how many states exist at once (the fold's peak memory, in states).
class Counted {
 public:
  struct Census {
    std::atomic<int> alive{0};
    std::atomic<int> most{0};
  };
  explicit Counted(Census& census) : census_(&census) {
    const int now = ++census.alive;
    int most = census.most.load();
    while (now > most && !census.most.compare_exchange_weak(most, now)) {
    }
  }
  Counted(Counted&& other) noexcept
      : census_(std::exchange(other.census_, nullptr)), chunks_(other.chunks_) {}
  Counted& operator=(Counted&& other) noexcept {
    release();
    census_ = std::exchange(other.census_, nullptr);
    chunks_ = other.chunks_;
    return *this;
  }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  ~Counted() { release(); }

  void absorb(Counted& other) {
    chunks_ += other.chunks_;
    other.release();
  }
  int chunks() const { return chunks_; }

 private:
  void release() {
    if (census_ != nullptr) --census_->alive;
    census_ = nullptr;
  }
  Census* census_;
  int chunks_ = 1;
};

TEST(OrderedMerge, KeepsTheWaitingStatesBoundedWhenMergingIsSlowerThanAdding) {
  // One adder, in order, while another thread's fold is slower than its adds: the adder must
  // wait for the fold. (With several adders the bound holds only while a fold runs: a thread
  // that has taken a sequence but not yet added it leaves a gap no fold can pass, and the
  // others are not held back then, or the workers could all block waiting for it. In the
  // executor such a gap is a chunk a worker is processing: it closes within about a chunk's
  // time.)
  Counted::Census census;
  std::atomic<bool> folding{false};
  auto slow_merge = [&](Counted& into, Counted& from) {
    folding = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    into.absorb(from);
  };
  constexpr std::uint64_t kChunks = 40;
  OrderedMerge<Counted, decltype(slow_merge)> fold(slow_merge, 4);
  fold.add(0, Counted(census));
  std::thread adder([&] {
    while (!folding) std::this_thread::yield();
    for (std::uint64_t s = 2; s < kChunks; ++s) fold.add(s, Counted(census));
  });
  fold.add(1, Counted(census));  // folds 1, then whatever the adder has added meanwhile
  adder.join();
  const auto combined = fold.take_combined();
  ASSERT_TRUE(combined.has_value());
  EXPECT_EQ(combined->chunks(), static_cast<int>(kChunks));
  // The combined state, one being merged, at most 4 waiting plus the one just added, and the
  // adder's next; without the limit the waiting ones grow to about kChunks.
  EXPECT_LE(census.most.load(), 1 + 1 + 5 + 1);
}

}  // namespace
}  // namespace quarry::exec::detail
