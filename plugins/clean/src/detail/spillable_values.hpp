#pragma once
//! \file
//! SpillableValues: the numbers kept for exact medians and quartiles, in memory until the
//! memory budget says otherwise, then in a scratch file with a small buffer in front; and
//! exact order statistics over them (nth_element in memory; from the file holding only a
//! bounded part of them at once).
//!
//! The k-th smallest value of a spilled set is found by radix selection on the values'
//! order-preserving 64-bit keys: one read of the file counts the values under each of the
//! 65,536 values of the next 16 key bits among those that share the bits fixed so far; the
//! bucket holding rank k is kept, and as soon as its values fit the memory allowed they are
//! read in and selected in memory (usually on the second read).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detail/scratch_file.hpp"

namespace quarry::clean {

//! The value at rank q (0..1) among n values, linear between the closest ranks (pandas'
//! default; NumPy's _lerp, computed from the nearer end); `at(i)` is the i-th smallest.
template <class At>
double quantile_by_rank(std::uint64_t n, double q, At at) {
  if (n == 0) return std::nan("");
  const double h = q * static_cast<double>(n - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const std::uint64_t hi = std::min(lo + 1, n - 1);
  const double t = h - static_cast<double>(lo);
  const double a = at(lo);
  const double b = hi == lo ? a : at(hi);
  return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

//! The median of n values (numpy.median: the mean of the middle two when n is even);
//! `at(i)` is the i-th smallest.
template <class At>
double median_by_rank(std::uint64_t n, At at) {
  if (n == 0) return std::nan("");
  return n % 2 == 1 ? at(n / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

//! Numbers (never NaN) in arrival order, in memory or spilled to a scratch file.
class SpillableValues {
 public:
  //! Adds `x`.
  void push_back(double x) {
    buffer_.push_back(x);
    if (file_ && buffer_.size() >= buffer_values_) flush();
  }

  //! Values held.
  [[nodiscard]] std::uint64_t size() const noexcept {
    return (file_ ? file_->size() / sizeof(double) : 0) + buffer_.size();
  }
  //! True when there are none.
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  //! Bytes of memory they take.
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept {
    return buffer_.capacity() * sizeof(double);
  }
  //! True once they live in a file.
  [[nodiscard]] bool spilled() const noexcept { return file_ != nullptr; }
  //! Moves the values to a new file under `directory`; later ones go there too, through a
  //! buffer of about `buffer_bytes` (64 bytes to 64 KiB).
  void spill(std::string_view directory, std::uint64_t buffer_bytes = 64 << 10) {
    if (file_) return;
    file_ = std::make_unique<ScratchFile>(directory);
    directory_ = directory;
    buffer_values_ = static_cast<std::size_t>(
        std::clamp<std::uint64_t>(buffer_bytes / sizeof(double), 8, kBufferValues));
    flush();
    std::vector<double>().swap(buffer_);
    buffer_.reserve(buffer_values_);
  }

  //! Adds `other`'s values after these and empties it. When either is spilled, so is the
  //! result (in `other`'s directory when these were not).
  void append(SpillableValues& other) {
    if (!file_ && !other.file_) {
      buffer_.insert(buffer_.end(), other.buffer_.begin(), other.buffer_.end());
    } else {
      if (!file_) spill(other.directory_, other.buffer_values_ * sizeof(double));
      other.for_each_block([this](std::span<const double> block) {
        flush();
        file_->append(std::as_bytes(block));
      });
    }
    other.clear();
  }

  //! Forgets every value and frees their memory and file.
  void clear() {
    std::vector<double>().swap(buffer_);
    file_.reset();
  }

  //! The k-th smallest (0-based) value, exactly (k < size()): selected in place while in
  //! memory, else as kth(k, f, max_memory) below.
  [[nodiscard]] double kth(std::uint64_t k, std::uint64_t max_memory) {
    if (file_)
      return kth(
          k, [](double x) { return x; }, max_memory);
    const auto nth = buffer_.begin() + static_cast<std::ptrdiff_t>(k);
    std::nth_element(buffer_.begin(), nth, buffer_.end());
    return *nth;
  }

  //! The k-th smallest (0-based) of f(x) over the values x, exactly (k < size()). In memory
  //! from a copy of the f(x); from the file holding at most about `max_memory` bytes of them
  //! at once (at least 64 KiB). f must not return NaN.
  template <class F>
  [[nodiscard]] double kth(std::uint64_t k, F f, std::uint64_t max_memory) const {
    if (!file_) {
      std::vector<double> mapped(buffer_.size());
      std::transform(buffer_.begin(), buffer_.end(), mapped.begin(), f);
      const auto nth = mapped.begin() + static_cast<std::ptrdiff_t>(k);
      std::nth_element(mapped.begin(), nth, mapped.end());
      return *nth;
    }
    constexpr unsigned kStep = 16;
    const std::uint64_t fits = std::max<std::uint64_t>(max_memory, 64 << 10) / sizeof(double);
    std::uint64_t prefix = 0;  // the key's leading `bits` bits, fixed so far
    unsigned bits = 0;
    std::uint64_t in_bucket = 0;
    std::vector<std::uint64_t> counts(std::size_t{1} << kStep);
    for (;;) {
      std::fill(counts.begin(), counts.end(), 0);
      const unsigned shift = 64 - bits - kStep;
      for_each_block([&](std::span<const double> block) {
        for (double x : block) {
          const std::uint64_t key = order_key(f(x));
          if (bits == 0 || key >> (64 - bits) == prefix) ++counts[(key >> shift) & 0xffff];
        }
      });
      std::size_t bucket = 0;
      while (k >= counts[bucket]) k -= counts[bucket++];
      prefix = (prefix << kStep) | bucket;
      bits += kStep;
      in_bucket = counts[bucket];
      if (bits == 64) return from_order_key(prefix);  // every value left is this one
      if (in_bucket <= fits) break;
    }
    std::vector<double> candidates;
    candidates.reserve(static_cast<std::size_t>(in_bucket));
    for_each_block([&](std::span<const double> block) {
      for (double x : block) {
        const double y = f(x);
        if (order_key(y) >> (64 - bits) == prefix) candidates.push_back(y);
      }
    });
    const auto nth = candidates.begin() + static_cast<std::ptrdiff_t>(k);
    std::nth_element(candidates.begin(), nth, candidates.end());
    return *nth;
  }

 private:
  static constexpr std::size_t kBufferValues = 8192;

  // Keys that sort as the doubles do: negatives' bits flipped, positives' sign bit set.
  static std::uint64_t order_key(double x) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
  }
  static double from_order_key(std::uint64_t key) noexcept {
    return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
  }

  void flush() {
    if (buffer_.empty()) return;
    file_->append(std::as_bytes(std::span<const double>(buffer_)));
    buffer_.clear();
  }

  // fn(block) over the file a block at a time, then over the buffer.
  template <class Fn>
  void for_each_block(Fn fn) const {
    if (file_) {
      std::vector<double> block(kBufferValues * 8);
      const std::uint64_t values = file_->size() / sizeof(double);
      for (std::uint64_t at = 0; at < values; at += block.size()) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), values - at));
        file_->read(at * sizeof(double), std::as_writable_bytes(std::span(block.data(), n)));
        fn(std::span<const double>(block.data(), n));
      }
    }
    if (!buffer_.empty()) fn(std::span<const double>(buffer_));
  }

  std::vector<double> buffer_;
  std::size_t buffer_values_ = kBufferValues;  // flushed at this size once spilled
  std::unique_ptr<ScratchFile> file_;
  std::string directory_;
};

}  // namespace quarry::clean
