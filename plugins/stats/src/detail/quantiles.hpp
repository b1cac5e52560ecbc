#pragma once
//! \file
//! Quantiles of one column: exact while the values fit the memory budget, a
//! QuantileSketch past it (ValueStore), plus the exact interpolation rule pandas and
//! NumPy use by default (linear, "type 7").

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <vector>

#include "detail/quantile_sketch.hpp"
#include "quarry/sdk/huge_pages.hpp"

namespace quarry::stats {

//! The two neighbouring 0-based ranks (in ascending value order) that the quantile at
//! fraction q of n values interpolates between, as numpy.percentile's "linear" method:
//! h = q (n - 1), low = floor(h), high = low + 1 (clamped), weight t = h - low.
struct RankPair {
  std::int64_t low = 0;
  std::int64_t high = 0;
  double t = 0;
};

//! The ranks quantile q of `n` values (n > 0) needs.
inline RankPair ranks_for(double q, std::int64_t n) noexcept {
  const double h = q * static_cast<double>(n - 1);
  const auto low = std::min(static_cast<std::int64_t>(std::floor(h)), n - 1);
  return {low, std::min(low + 1, n - 1), h - static_cast<double>(low)};
}

//! NumPy's _lerp between the values at the two ranks: a + (b - a) t, computed from the
//! nearer end for t >= 0.5.
inline double interpolate(double a, double b, double t) noexcept {
  return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

//! The q-quantile (0..1) of sorted values by linear interpolation between closest ranks,
//! as numpy.percentile / pandas.Series.quantile (method "linear"). NaN when empty.
inline double sorted_quantile(const std::vector<double>& sorted, double q) noexcept {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const RankPair ranks = ranks_for(q, static_cast<std::int64_t>(sorted.size()));
  return interpolate(sorted[static_cast<std::size_t>(ranks.low)],
                     sorted[static_cast<std::size_t>(ranks.high)], ranks.t);
}

//! The values of one column for quantiles: kept exactly until the owner decides they no
//! longer fit (to_sketch()), summarised by a QuantileSketch from then on.
//!
//! Kept values live in blocks: the first grows by doubling to 256 KiB, then to one 2 MiB huge
//! page; every later block is one huge page. Appending never copies what is kept, a block costs one
//! page fault, merging moves blocks, and the bytes held (bytes()) never run more than a block per
//! column ahead of the values — a single doubling vector copied every value again at each
//! growth and briefly held twice its size, which is what a budget has to allow for.
class ValueStore {
 public:
  //! One block of kept values (huge pages once it reaches one).
  using Block = std::vector<double, sdk::HugePageAllocator<double>>;

  //! Adds `count` finite values.
  void add(const double* x, std::size_t count) {
    if (sketch_) return sketch_->add(x, count);
    while (count > 0) {
      Block& block = block_with_room(count);
      const std::size_t n = std::min(count, block.capacity() - block.size());
      block.insert(block.end(), x, x + n);
      x += n;
      count -= n;
      kept_ += n;
    }
  }

  //! Sorts what was added since the last seal (kept values, or the sketch's level 0), so that
  //! whoever merges this store later, perhaps into a sketch, merges sorted runs in linear time
  //! instead of sorting: call it after each chunk, on the chunk's worker.
  void seal() {
    if (sketch_) return sketch_->seal();
    for (std::size_t b = sealed_block_; b < blocks_.size(); ++b) {
      Block& block = blocks_[b];
      const std::size_t from = b == sealed_block_ ? sealed_values_ : 0;
      QuantileSketch::sort(block.data() + from, block.size() - from);
    }
    mark_sealed();
  }

  //! Folds `other` in (it is left empty); the caller made both exact or both sketches.
  void merge(ValueStore& other) {
    if (sketch_ && other.sketch_) {
      sketch_->merge(*other.sketch_);
    } else if (sketch_) {
      for (const Block& block : other.blocks_) sketch_->add(block.data(), block.size());
    } else if (other.sketch_) {
      to_sketch();
      sketch_->merge(*other.sketch_);
    } else {
      // Appended before this store's last block, which may still be growing.
      const auto at = blocks_.empty() ? blocks_.end() : blocks_.end() - 1;
      blocks_.insert(at, std::make_move_iterator(other.blocks_.begin()),
                     std::make_move_iterator(other.blocks_.end()));
      kept_ += other.kept_;
      mark_sealed();  // (sorting is only ever a head start: what was merged stays as it was)
    }
    other.blocks_.clear();
    other.kept_ = 0;
    other.mark_sealed();
  }

  //! Switches to a sketch (idempotent), releasing the kept values.
  void to_sketch() {
    if (sketch_) return;
    sketch_.emplace();
    for (const Block& block : blocks_) sketch_->add(block.data(), block.size());
    blocks_.clear();
    kept_ = 0;
    mark_sealed();
  }

  //! True while quantiles are exact.
  [[nodiscard]] bool exact() const noexcept { return !sketch_.has_value(); }
  //! The number of values.
  [[nodiscard]] std::int64_t count() const noexcept {
    return sketch_ ? sketch_->count() : static_cast<std::int64_t>(kept_);
  }
  //! Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept {
    if (sketch_) return sketch_->bytes();
    std::size_t total = 0;
    for (const Block& block : blocks_) total += footprint(block.capacity());
    return total;
  }
  //! What bytes() would be after adding `more` values (without adding them), so that an owner
  //! can switch to the sketch before an allocation would take it past its budget.
  [[nodiscard]] std::size_t bytes_with(std::size_t more) const noexcept {
    if (sketch_) return sketch_->bytes();
    std::size_t total = bytes();
    std::size_t blocks = blocks_.size();
    std::size_t capacity = blocks == 0 ? 0 : blocks_.back().capacity();
    std::size_t size = blocks == 0 ? 0 : blocks_.back().size();
    while (more > 0) {
      if (size == capacity) {
        const Growth growth = next_growth(blocks, size, more);
        if (growth.grow_last) {
          total -= footprint(capacity);
        } else {
          ++blocks;
          size = 0;
        }
        capacity = growth.capacity;
        total += footprint(capacity);
      }
      const std::size_t n = std::min(more, capacity - size);
      size += n;
      more -= n;
    }
    return total;
  }
  //! The sketch's rank-error bound as a fraction of count() (0 when exact).
  [[nodiscard]] double rank_error() const noexcept {
    return sketch_ ? sketch_->normalized_rank_error() : 0.0;
  }

  //! The quantiles at fractions `qs` (exact: by selection, after gathering the kept values
  //! into one block and reordering them; in ascending order of fraction, each selection
  //! searches only above the previous one).
  [[nodiscard]] std::vector<double> quantiles(const std::vector<double>& qs) {
    if (sketch_) return sketch_->quantiles(qs);
    gather();
    std::vector<std::size_t> order(qs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return qs[a] < qs[b]; });
    std::vector<double> out(qs.size());
    std::size_t from = 0;
    for (std::size_t i : order) out[i] = select_quantile(qs[i], from);
    return out;
  }

  //! Calls `visit(value)` for every kept value, in no particular order (exact mode only).
  template <class Visit>
  void for_each_value(Visit&& visit) const {
    for (const Block& block : blocks_) {
      for (double x : block) visit(x);
    }
  }

  //! The sketch (sketch mode only).
  [[nodiscard]] const QuantileSketch* sketch() const noexcept {
    return sketch_ ? &*sketch_ : nullptr;
  }

 private:
  //! Values in one huge page: the size of every block after the first.
  static constexpr std::size_t kBlockValues = (std::size_t{2} << 20) / sizeof(double);
  //! Bytes a block of `capacity` values occupies once touched.
  static std::size_t footprint(std::size_t capacity) noexcept {
    return Block::allocator_type::footprint(capacity * sizeof(double));
  }
  //! Up to this many values (256 KiB) the first block grows by doubling.
  static constexpr std::size_t kSmallValues = std::size_t{1} << 15;

  //! The last block, made to have room for at least one more value (growing the first block
  //! towards kBlockValues by doubling, else starting a new full-size block).
  Block& block_with_room(std::size_t wanted) {
    if (!blocks_.empty() && blocks_.back().size() < blocks_.back().capacity()) {
      return blocks_.back();
    }
    const Growth growth =
        next_growth(blocks_.size(), blocks_.empty() ? 0 : blocks_.back().size(), wanted);
    Block& block = growth.grow_last ? blocks_.back() : blocks_.emplace_back();
    block.reserve(growth.capacity);
    return block;
  }

  //! How a store whose last block (of `blocks`) is full at `size` values makes room for
  //! `wanted` more: by growing that block (the first one, below a full block) or by starting
  //! a block, of `capacity` values.
  struct Growth {
    bool grow_last;
    std::size_t capacity;
  };
  static Growth next_growth(std::size_t blocks, std::size_t size, std::size_t wanted) {
    if (blocks == 1 && size < kBlockValues) {
      return {true, first_block_capacity(std::max(2 * size, size + wanted))};
    }
    return {false, blocks == 0 ? first_block_capacity(wanted) : kBlockValues};
  }

  //! The first block's next capacity for `wanted` values: small columns stay small, and a
  //! growing one jumps to a full block early (4 KiB page faults cost microseconds on VMs).
  static std::size_t first_block_capacity(std::size_t wanted) {
    return wanted <= kSmallValues ? std::max(wanted, std::size_t{64}) : kBlockValues;
  }

  //! Moves every kept value into one block, freeing each source block as it is emptied.
  void gather() {
    if (blocks_.size() <= 1) return;
    Block all;
    all.reserve(kept_);
    for (Block& block : blocks_) {
      all.insert(all.end(), block.begin(), block.end());
      Block().swap(block);
    }
    blocks_.clear();
    blocks_.push_back(std::move(all));
    mark_sealed();
  }

  //! Records that every value kept so far counts as sealed.
  void mark_sealed() noexcept {
    sealed_block_ = blocks_.empty() ? 0 : blocks_.size() - 1;
    sealed_values_ = blocks_.empty() ? 0 : blocks_.back().size();
  }

  // sorted_quantile() without sorting: nth_element for the lower neighbour, then the
  // smallest value above it for the upper one (O(n) per quantile). gather() came first.
  // Positions before `from` hold values no larger than the rest (an earlier selection at
  // `from`, fractions taken in ascending order), so the search starts there; it moves `from`
  // to this selection's position.
  double select_quantile(double q, std::size_t& from) {
    if (kept_ == 0) return std::numeric_limits<double>::quiet_NaN();
    Block& values = blocks_.front();
    const double h = q * static_cast<double>(values.size() - 1);
    const auto lo = std::max(from, static_cast<std::size_t>(std::floor(h)));
    const auto begin = values.begin();
    std::nth_element(begin + static_cast<std::ptrdiff_t>(from),
                     begin + static_cast<std::ptrdiff_t>(lo), values.end());
    from = lo;
    const double a = values[lo];
    const double b =
        lo + 1 < values.size()
            ? *std::min_element(begin + static_cast<std::ptrdiff_t>(lo) + 1, values.end())
            : a;
    return interpolate(a, b, h - static_cast<double>(lo));
  }

  std::vector<Block> blocks_;
  //! Values held in blocks_.
  std::size_t kept_ = 0;
  //! Values before blocks_[sealed_block_][sealed_values_] were sorted by seal() (in runs).
  std::size_t sealed_block_ = 0;
  std::size_t sealed_values_ = 0;
  std::optional<QuantileSketch> sketch_;
};

}  // namespace quarry::stats
