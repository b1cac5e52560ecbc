#pragma once
//! \file
//! Quantiles of one column: exact while the values fit the memory budget, a
//! QuantileSketch past it (ValueStore), plus the exact interpolation rule pandas and
//! NumPy use by default (linear, "type 7").

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "detail/quantile_sketch.hpp"
#include "quarry/sdk/huge_pages.hpp"

namespace quarry::stats {

//! The q-quantile (0..1) of sorted values by linear interpolation between closest ranks,
//! as numpy.percentile / pandas.Series.quantile (method "linear"). NaN when empty.
inline double sorted_quantile(const std::vector<double>& sorted, double q) noexcept {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = h - static_cast<double>(lo);
  const double a = sorted[lo];
  const double b = sorted[hi];
  // NumPy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5.
  return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

//! The values of one column for quantiles: kept exactly until the owner decides they no
//! longer fit (to_sketch()), summarised by a QuantileSketch from then on.
class ValueStore {
 public:
  //! The kept values' storage: huge pages, as it grows to many MiB.
  using Values = std::vector<double, sdk::HugePageAllocator<double>>;

  //! Adds `count` finite values.
  void add(const double* x, std::size_t count) {
    if (sketch_) {
      sketch_->add(x, count);
    } else {
      values_.insert(values_.end(), x, x + count);
    }
  }

  //! Folds `other` in; the caller made both exact or both sketches (to_sketch()).
  void merge(ValueStore& other) {
    if (sketch_ && other.sketch_) {
      sketch_->merge(*other.sketch_);
    } else if (sketch_) {
      sketch_->add(other.values_.data(), other.values_.size());
    } else if (other.sketch_) {
      to_sketch();
      sketch_->merge(*other.sketch_);
    } else if (values_.empty()) {
      values_.swap(other.values_);
    } else {
      values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    }
  }

  //! Switches to a sketch (idempotent), releasing the kept values.
  void to_sketch() {
    if (sketch_) return;
    sketch_.emplace();
    sketch_->add(values_.data(), values_.size());
    Values().swap(values_);
  }

  //! True while quantiles are exact.
  [[nodiscard]] bool exact() const noexcept { return !sketch_.has_value(); }
  //! The number of values.
  [[nodiscard]] std::int64_t count() const noexcept {
    return sketch_ ? sketch_->count() : static_cast<std::int64_t>(values_.size());
  }
  //! Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return sketch_ ? sketch_->bytes()
                   : Values::allocator_type::footprint(values_.capacity() * sizeof(double));
  }
  //! The sketch's rank-error bound as a fraction of count() (0 when exact).
  [[nodiscard]] double rank_error() const noexcept {
    return sketch_ ? sketch_->normalized_rank_error() : 0.0;
  }

  //! The quantiles at fractions `qs` (exact: by selection, reordering the kept values).
  [[nodiscard]] std::vector<double> quantiles(const std::vector<double>& qs) {
    if (sketch_) return sketch_->quantiles(qs);
    std::vector<double> out;
    out.reserve(qs.size());
    for (double q : qs) out.push_back(select_quantile(q));
    return out;
  }

  //! The kept values, in no particular order (exact mode only).
  [[nodiscard]] const Values& values() const noexcept { return values_; }

  //! The sketch (sketch mode only).
  [[nodiscard]] const QuantileSketch* sketch() const noexcept {
    return sketch_ ? &*sketch_ : nullptr;
  }

 private:
  // sorted_quantile() without sorting: nth_element for the lower neighbour, then the
  // smallest value above it for the upper one (O(n) per quantile).
  double select_quantile(double q) {
    if (values_.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double h = q * static_cast<double>(values_.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const auto begin = values_.begin();
    std::nth_element(begin, begin + static_cast<std::ptrdiff_t>(lo), values_.end());
    const double a = values_[lo];
    const double b =
        lo + 1 < values_.size()
            ? *std::min_element(begin + static_cast<std::ptrdiff_t>(lo) + 1, values_.end())
            : a;
    const double t = h - static_cast<double>(lo);
    return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
  }

  Values values_;
  std::optional<QuantileSketch> sketch_;
};

}  // namespace quarry::stats
