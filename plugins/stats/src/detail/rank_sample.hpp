#pragma once
//! \file
//! RankSample: a small random sample of a column's values, taken in the first of two passes
//! to find where each requested quantile lies, so that the second pass keeps only the values
//! near it (detail/rank_windows.hpp) instead of every value.
//!
//! Values are taken at pseudo-random positions (gaps drawn from a hash, one value in
//! kBaseStride on average), never at a fixed stride: data with a period (hourly rows of a
//! day, blocks of a repeated pattern) would fool a fixed one. Past `max_values` the sample
//! is thinned to every other value and the gaps double, so its size stays bounded for any
//! input while staying a uniform sample. States merge by thinning the denser one to the
//! other's rate and appending. The sample only steers the second pass: the quantiles that
//! pass reports are exact whatever values were sampled.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace quarry::stats {

//! A bounded uniform sample of the finite values of one column (see the file comment).
class RankSample {
 public:
  //! One value in this many is sampled until the sample first fills up.
  static constexpr std::uint64_t kBaseStride = 16;

  //! A sample of at most `max_values` values (at least 2).
  explicit RankSample(std::size_t max_values) : max_(std::max<std::size_t>(2, max_values)) {}

  //! Offers `count` finite values (in row order).
  void add(const double* x, std::size_t count) {
    if (count == 0) return;
    if (population_ == 0) seed_ = mix(bits_of(x[0]));  // decorrelates the chunks' positions
    const auto end = static_cast<std::uint64_t>(population_) + count;
    while (next_ < end) {
      values_.push_back(x[next_ - static_cast<std::uint64_t>(population_)]);
      next_ += gap();
    }
    population_ += static_cast<std::int64_t>(count);
    while (values_.size() > max_) thin();
  }

  //! Folds `other` in (it is left empty): both are brought to the sparser rate.
  void merge(RankSample& other) {
    while (other.level_ < level_) other.thin();
    while (level_ < other.level_) thin();
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    population_ += other.population_;
    next_ = static_cast<std::uint64_t>(population_) + gap();  // later values follow the merged ones
    other.values_.clear();
    other.population_ = 0;
    while (values_.size() > max_) thin();
  }

  //! The sampled values, in no particular order (the caller may reorder them).
  [[nodiscard]] std::vector<double>& values() noexcept { return values_; }
  //! How many values were offered.
  [[nodiscard]] std::int64_t population() const noexcept { return population_; }
  //! Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept { return values_.capacity() * sizeof(double); }
  //! Frees the sample (once the windows are known).
  void release() { std::vector<double>().swap(values_); }

 private:
  static std::uint64_t bits_of(double x) noexcept {
    std::uint64_t u = 0;
    std::memcpy(&u, &x, sizeof u);
    return u;
  }
  // SplitMix64's finaliser: consecutive inputs give unrelated outputs.
  static std::uint64_t mix(std::uint64_t z) noexcept {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // The distance to the next sampled position: uniform in [1, 2 * stride - 1], mean stride.
  std::uint64_t gap() noexcept {
    const std::uint64_t stride = kBaseStride << level_;
    return 1 + mix(seed_ + draws_++) % (2 * stride - 1);
  }
  // Keeps every other sampled value; later gaps are twice as long.
  void thin() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < values_.size(); i += 2) values_[kept++] = values_[i];
    values_.resize(kept);
    ++level_;
  }

  std::size_t max_;
  std::vector<double> values_;
  std::int64_t population_ = 0;
  std::uint64_t next_ = 0;  // the position (among the values offered) sampled next
  std::uint64_t seed_ = 0;
  std::uint64_t draws_ = 0;
  unsigned level_ = 0;  // one value in kBaseStride << level_ is sampled
};

}  // namespace quarry::stats
