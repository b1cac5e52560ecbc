#pragma once
//! \file
//! OrderedMerge: combines per-chunk partial states in the chunks' sequence order, so a
//! mergeable stage's result does not depend on which worker took which chunk.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace quarry::exec::detail {

//! Partial states, one per chunk, folded into one in sequence order: the combined state is
//! `merge(merge(merge(s0, s1), s2), …)` whatever order the states arrive in, so it depends
//! only on how the input was cut into chunks — not on the thread count or on timing.
//!
//! The thread that adds the next state in order folds it in, and then every state that was
//! waiting for it, while other threads go on processing chunks. A state that arrives early
//! waits; while a fold is running and more than `max_waiting` states wait, add() blocks until
//! the fold catches up, so the waiting states (each holding one chunk's worth) stay bounded
//! even when merging is slower than processing. It never blocks while no fold is running, so
//! a missing earlier chunk cannot deadlock the workers.
//!
//! (A binary tree of merges would run merges in parallel, but it keeps a partial state per
//! tree level waiting: 2.4x the peak memory of a describe of 10M rows.)
//!
//! `State` is a movable value (e.g. a unique_ptr); `Merge` is callable as
//! `merge(State& into, State& from)` and folds `from` into `into`.
template <class State, class Merge>
class OrderedMerge {
 public:
  //! Folds with `merge`; add() waits while more than `max_waiting` states wait for a fold.
  explicit OrderedMerge(Merge merge, std::size_t max_waiting = 8)
      : merge_(std::move(merge)), max_waiting_(max_waiting) {}

  //! Adds the state of chunk `sequence` (each sequence at most once; sequences count from 0)
  //! and, when it is the next in order, folds it and the waiting states that follow it.
  //! Thread-safe; merges run outside the lock, one at a time. When a merge throws, the two
  //! states are dropped, the fold stops and the exception propagates.
  void add(std::uint64_t sequence, State state) {
    std::unique_lock lock(mutex_);
    waiting_.emplace(sequence, std::move(state));
    if (folding_) {
      caught_up_.wait(lock, [&] { return !folding_ || waiting_.size() <= max_waiting_; });
      return;
    }
    folding_ = true;
    try {
      for (auto next = waiting_.find(next_); next != waiting_.end(); next = waiting_.find(next_)) {
        State from = std::move(next->second);
        waiting_.erase(next);
        ++next_;
        lock.unlock();
        caught_up_.notify_all();
        if (combined_) {
          merge_(*combined_, from);
        } else {
          combined_.emplace(std::move(from));
        }
        lock.lock();
      }
    } catch (...) {
      if (!lock.owns_lock()) lock.lock();
      stop_folding();
      throw;
    }
    stop_folding();
  }

  //! The states folded so far, then those left waiting in sequence order (after a chunk that
  //! never came); nullopt when nothing was added. Call once every add() has returned.
  std::optional<State> take_combined() {
    std::lock_guard lock(mutex_);
    for (auto& [sequence, state] : waiting_) {
      if (combined_) {
        merge_(*combined_, state);
      } else {
        combined_.emplace(std::move(state));
      }
    }
    waiting_.clear();
    return std::exchange(combined_, std::nullopt);
  }

 private:
  // (called with the lock held)
  void stop_folding() {
    folding_ = false;
    caught_up_.notify_all();
  }

  Merge merge_;
  std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable caught_up_;
  std::map<std::uint64_t, State> waiting_;  // arrived before their turn
  std::optional<State> combined_;           // every state before next_, folded
  std::uint64_t next_ = 0;
  bool folding_ = false;
};

}  // namespace quarry::exec::detail
