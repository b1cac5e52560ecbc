#pragma once
//! \file
//! QuantileSketch: a mergeable quantile summary with a hard, tracked rank-error bound.
//!
//! The sketch is a stack of compactors (Manku–Rajagopalan–Lindsay / KLL style) of equal
//! capacity k. Level h holds values of weight 2^h. When a level fills up it is sorted and
//! every other value (alternating the starting parity, deterministically) moves up one
//! level with twice the weight. One such compaction at level h changes the estimated rank
//! of any point by at most 2^h, so the sketch adds up 2^h per compaction and merged
//! sketches add their errors: `rank_error()` is a guaranteed bound on the absolute rank
//! error of every query, not a probabilistic one. With n values it stays below
//! n * ceil(log2(n / k)) / k, i.e. about 0.3% of n for k = 4096 and n = 10^7, and is
//! usually much smaller in practice. Memory is at most k values per level above level 0.
//!
//! Level 0, where every value arrives, is a batch of kBatchLevels * k values: once full it is
//! sorted once and compacted several times in a row (each pass takes every other value of
//! the sorted run, adding its weight to the bound as above) until a run of k values or fewer
//! is left, which joins the level it reached. Each value is sorted once at level 0 and the
//! levels in between never merge, so adding costs far less than compacting k values at a
//! time, and the bound is lower too (one compaction per level per batch instead of many).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace quarry::stats {

//! A mergeable quantile sketch with a deterministic rank-error bound (see the file comment).
class QuantileSketch {
 public:
  //! Default capacity of one level.
  static constexpr std::size_t kDefaultCapacity = 4096;
  //! Level 0 holds this many levels' capacity (a power of two).
  static constexpr std::size_t kBatchLevels = 4;

  //! An empty sketch whose levels hold `capacity` (even, >= 8) values.
  explicit QuantileSketch(std::size_t capacity = kDefaultCapacity)
      : capacity_(std::max<std::size_t>(8, capacity & ~std::size_t{1})) {}

  //! Adds `count` finite values. A sorted run of at least a level's capacity (a sealed
  //! state's values) is compacted straight into the levels, without a copy or a sort.
  void add(const double* x, std::size_t count) {
    if (count >= capacity_ && std::is_sorted(x, x + count)) return add_sorted(x, count);
    for (std::size_t i = 0; i < count;) {
      if (levels_.empty()) grow(1);
      std::vector<double>& base = levels_[0];
      const std::size_t room = batch_capacity() - base.size();
      const std::size_t take = std::min(room, count - i);
      for (std::size_t j = 0; j < take; ++j) {
        min_ = std::min(min_, x[i + j]);
        max_ = std::max(max_, x[i + j]);
      }
      base.insert(base.end(), x + i, x + i + take);
      i += take;
      n_ += static_cast<std::int64_t>(take);
      if (base.size() >= batch_capacity()) settle();
    }
  }

  //! Folds `other` into this sketch; the rank-error bounds add.
  void merge(const QuantileSketch& other) {
    if (other.n_ == 0) return;
    if (other.levels_.size() > levels_.size()) grow(other.levels_.size());
    for (std::size_t h = 0; h < other.levels_.size(); ++h) {
      levels_[h].insert(levels_[h].end(), other.levels_[h].begin(), other.levels_[h].end());
    }
    n_ += other.n_;
    error_ += other.error_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    settle();
  }

  //! Sorts level 0 in place (a sort of the values added since the last compaction). A state
  //! that seals its sketch after each chunk, on the chunk's worker, hands sorted runs to
  //! whoever merges it, and merging sorted runs is linear (merge() would otherwise sort them).
  void seal() {
    if (!levels_.empty()) sort_level(levels_[0]);
  }

  //! Sorts `n` values in place (the bucket sort level 0 uses; NaN-free input).
  static void sort(double* values, std::size_t n) { sort_span(values, n, 0); }

  //! The number of values added.
  [[nodiscard]] std::int64_t count() const noexcept { return n_; }
  //! A bound on the absolute rank error of any query (0 while nothing was compacted).
  [[nodiscard]] double rank_error() const noexcept { return error_; }
  //! rank_error() / count(): the bound as a fraction of the values (0 without values).
  [[nodiscard]] double normalized_rank_error() const noexcept {
    return n_ > 0 ? error_ / static_cast<double>(n_) : 0.0;
  }
  //! The smallest value (exact).
  [[nodiscard]] double min() const noexcept { return min_; }
  //! The largest value (exact).
  [[nodiscard]] double max() const noexcept { return max_; }
  //! Bytes held by the levels.
  [[nodiscard]] std::size_t bytes() const noexcept {
    std::size_t total = sizeof(*this);
    for (const auto& level : levels_) total += level.capacity() * sizeof(double);
    return total + run_.capacity() * sizeof(double);
  }

  //! The value at fraction q (0..1) of the sorted values: the first summary item whose
  //! cumulative weight passes q * (count - 1). Its true rank is within rank_error() + 1
  //! of that position. q = 0 and q = 1 give the exact min and max. NaN when empty.
  [[nodiscard]] double quantile(double q) const {
    return quantiles(std::vector<double>{q}).front();
  }

  //! quantile() for several fractions at once (one sort).
  [[nodiscard]] std::vector<double> quantiles(const std::vector<double>& qs) const {
    std::vector<double> out(qs.size(), std::numeric_limits<double>::quiet_NaN());
    if (n_ == 0) return out;
    const auto items = weighted();
    for (std::size_t i = 0; i < qs.size(); ++i) out[i] = pick(items, qs[i]);
    return out;
  }

  //! The estimated number of values < v (strictly), within rank_error() of the truth.
  [[nodiscard]] double rank_below(double v) const noexcept {
    double rank = 0;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      const double w = std::ldexp(1.0, static_cast<int>(h));
      for (double x : levels_[h]) rank += x < v ? w : 0.0;
    }
    return rank;
  }

 private:
  using Item = std::pair<double, double>;  // value, weight

  [[nodiscard]] std::size_t batch_capacity() const noexcept { return kBatchLevels * capacity_; }

  void grow(std::size_t levels) {
    while (levels_.size() < levels) {
      levels_.emplace_back();
      levels_.back().reserve(levels_.size() == 1 ? batch_capacity() : capacity_);
      parity_.push_back(0);
    }
  }

  // Compacts every full level, bottom up: level 0 as a batch.
  void settle() {
    if (!levels_.empty() && levels_[0].size() >= batch_capacity()) compact_batch();
    for (std::size_t h = 1; h < levels_.size(); ++h) {
      if (levels_[h].size() >= capacity_) compact(h);
    }
  }

  // Sorts level 0 and halves it in place, level by level, until at most capacity_ values
  // are left, which join the level reached (an odd value out at a level stays there).
  void compact_batch() {
    std::size_t height = 0;
    for (std::size_t m = levels_[0].size(); m > capacity_; m /= 2) ++height;
    grow(height + 1);
    std::vector<double>& run = levels_[0];
    sort_level(run);  // (sealed states merged in are a few sorted runs)
    std::optional<double> odd_at_base;
    for (std::size_t h = 0; h < height; ++h) {
      if (run.size() % 2 == 1) {
        if (h == 0) {
          odd_at_base = run.back();
        } else {
          levels_[h].push_back(run.back());
        }
        run.pop_back();
      }
      std::size_t kept = 0;
      for (std::size_t i = parity_[h]; i < run.size(); i += 2) run[kept++] = run[i];
      run.resize(kept);
      parity_[h] ^= 1U;
      error_ += std::ldexp(1.0, static_cast<int>(h));
    }
    levels_[height].insert(levels_[height].end(), run.begin(), run.end());
    run.clear();
    if (odd_at_base) run.push_back(*odd_at_base);
  }

  // compact_batch() for a sorted run given from outside (count >= capacity_): the first
  // halving reads it where it is, the rest work in run_.
  void add_sorted(const double* x, std::size_t count) {
    std::size_t height = 0;
    for (std::size_t m = count; m > capacity_; m /= 2) ++height;
    grow(height + 1);
    min_ = std::min(min_, x[0]);
    max_ = std::max(max_, x[count - 1]);
    n_ += static_cast<std::int64_t>(count);
    run_.resize(count / 2 + 1);
    const double* from = x;
    std::size_t size = count;
    for (std::size_t h = 0; h < height; ++h) {
      if (size % 2 == 1) levels_[h].push_back(from[--size]);  // the odd value out stays
      std::size_t kept = 0;
      for (std::size_t i = parity_[h]; i < size; i += 2) run_[kept++] = from[i];
      from = run_.data();
      size = kept;
      parity_[h] ^= 1U;
      error_ += std::ldexp(1.0, static_cast<int>(h));
    }
    levels_[height].insert(levels_[height].end(), from, from + size);
    settle();
  }

  void compact(std::size_t h) {
    if (h + 1 >= levels_.size()) grow(h + 2);
    std::vector<double>& level = levels_[h];
    sort_level(level);
    double leftover = 0;
    const bool odd = level.size() % 2 == 1;
    if (odd) {
      leftover = level.back();
      level.pop_back();
    }
    std::vector<double>& up = levels_[h + 1];
    for (std::size_t i = parity_[h]; i < level.size(); i += 2) up.push_back(level[i]);
    parity_[h] ^= 1U;
    error_ += std::ldexp(1.0, static_cast<int>(h));
    level.clear();
    if (odd) level.push_back(leftover);
  }

  // Sorts a level. Upper levels are a few sorted runs (one per compaction below), and so is
  // level 0 when sealed states were merged into it: those are merged in linear time; anything
  // else (raw values) is bucket-sorted.
  void sort_level(std::vector<double>& level) {
    std::vector<std::size_t> starts = {0};
    for (std::size_t i = 1; i < level.size() && starts.size() <= kMaxRuns; ++i) {
      if (level[i] < level[i - 1]) starts.push_back(i);
    }
    if (starts.size() == 1) return;
    if (starts.size() > kMaxRuns) {
      bucket_sort(level);
      return;
    }
    starts.push_back(level.size());
    while (starts.size() > 2) {  // merge neighbouring runs pairwise
      std::vector<std::size_t> next = {0};
      for (std::size_t r = 0; r + 2 < starts.size(); r += 2) {
        merge_runs(level.data() + starts[r], level.data() + starts[r + 1],
                   level.data() + starts[r + 2]);
        next.push_back(starts[r + 2]);
      }
      if (starts.size() % 2 == 0) next.push_back(starts.back());
      starts.swap(next);
    }
  }

  // Merges the sorted runs [first, middle) and [middle, last) in place, through run_ (no
  // allocation per merge, unlike std::inplace_merge; no branch on which run is taken).
  void merge_runs(double* first, double* middle, double* last) {
    run_.assign(first, middle);
    const double* a = run_.data();
    const double* a_end = a + run_.size();
    const double* b = middle;
    double* out = first;
    while (a != a_end && b != last) {
      const bool take_b = *b < *a;
      *out++ = take_b ? *b : *a;
      b += take_b;
      a += !take_b;
    }
    std::copy(a, a_end, out);  // what is left of b is already in place
  }

  // Sorts `values` (see sort_span).
  void bucket_sort(std::vector<double>& values) { sort_span(values.data(), values.size(), 0); }

  // Spreads the values over two buckets per value with an order-preserving map that follows
  // their density, then sorts each bucket: most hold a value or none, so this is a few linear
  // passes. The map is piecewise linear: a coarse histogram over [min, max] (of a sample, for
  // long spans) gives each of its bins twice as many buckets as the values it holds, spread
  // evenly across the bin, so
  // skewed data (lognormal) does not crowd into a handful of buckets as it would with one
  // linear map. A bucket that still collects many values (a far outlier stretches the range,
  // so the bulk shares a bin) is sorted the same way over its own range, a few levels deep,
  // then by std::sort.
  static void sort_span(double* values, std::size_t n, int depth) {
    if (n < 2) return;
    double low = values[0], high = values[0];
    for (std::size_t i = 0; i < n; ++i) {  // (min/max, not minmax_element: branch-free)
      low = std::min(low, values[i]);
      high = std::max(high, values[i]);
    }
    const double bin_scale = static_cast<double>(kDensityBins) / (high - low);
    if (!(bin_scale > 0) || !std::isfinite(bin_scale)) {  // constant, or a range beyond double
      if (low != high) radix_sort(values, n);
      return;
    }
    // Coarse histogram of a sample (every kSampleStride-th value of a long span), then each
    // bin's first bucket and buckets per unit of value: a bin gets two buckets per value the
    // sample stands for, plus one, so a value the sample missed still has a bucket.
    const std::size_t stride = n >= kSampledSpan ? kSampleStride : 1;
    const double bin_width = (high - low) / static_cast<double>(kDensityBins);
    if (!std::isfinite(static_cast<double>(2 * stride * n + 1) / bin_width)) {
      radix_sort(values, n);  // a range so narrow that bucket widths underflow
      return;
    }
    // (signed, not size_t: converting a double to an unsigned 64-bit integer takes a branch)
    const auto bin_of = [&](double v) {
      return std::min(static_cast<int>((v - low) * bin_scale), kLastBin);
    };
    std::uint32_t bin_count[kDensityBins] = {};
    for (std::size_t i = 0; i < n; i += stride) ++bin_count[bin_of(values[i])];
    double bin_low[kDensityBins];
    double bucket_scale[kDensityBins];
    std::int64_t bin_first[kDensityBins + 1];
    std::int64_t bin_last[kDensityBins];
    bin_first[0] = 0;
    for (std::size_t b = 0; b < kDensityBins; ++b) {
      const auto here = static_cast<std::int64_t>(2 * stride * bin_count[b] + 1);
      bin_low[b] = low + static_cast<double>(b) * bin_width;
      bucket_scale[b] = static_cast<double>(here) / bin_width;
      bin_first[b + 1] = bin_first[b] + here;
      bin_last[b] = here - 1;
    }
    // The bucket of each value (kept, so the scatter does not recompute it), and the counts.
    // Within a bin the offset is clamped to the bin's buckets: rounding may put a value a
    // hair outside its bin's range, and clamping keeps the map monotonic.
    const auto buckets = static_cast<std::size_t>(bin_first[kDensityBins]);
    SortScratch& scratch = sort_scratch();
    scratch.bucket.resize(n);
    std::vector<std::uint32_t>& starts = scratch.starts;
    starts.assign(buckets + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double v = values[i];
      const int b = bin_of(v);
      const auto within = static_cast<std::int64_t>((v - bin_low[b]) * bucket_scale[b]);
      const auto bucket = static_cast<std::uint32_t>(
          bin_first[b] + std::clamp<std::int64_t>(within, 0, bin_last[b]));
      scratch.bucket[i] = bucket;
      ++starts[bucket + 1];
    }
    std::uint32_t largest = 0;
    std::uint32_t total = 0;  // (a register, not starts[b - 1]: no store-to-load chain)
    for (std::size_t b = 1; b <= buckets; ++b) {
      largest = std::max(largest, starts[b]);
      total += starts[b];
      starts[b] = total;
    }
    scratch.sorted.resize(n);
    scratch.fill.assign(starts.begin(), starts.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      scratch.sorted[scratch.fill[scratch.bucket[i]]++] = values[i];
    }
    std::copy(scratch.sorted.begin(), scratch.sorted.begin() + static_cast<std::ptrdiff_t>(n),
              values);
    if (largest <= kSmallBucket) {
      // Every value is at most a bucket away from its place: one insertion sort finishes.
      insertion_sort(values, values + n);
      return;
    }
    // Crowded buckets are sorted after this loop: sorting one reuses the scratch.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> crowded;
    for (std::size_t b = 0; b < buckets; ++b) {
      if (starts[b + 1] - starts[b] > kSmallBucket) {
        crowded.emplace_back(starts[b], starts[b + 1]);
      } else {
        insertion_sort(values + starts[b], values + starts[b + 1]);
      }
    }
    for (const auto& [first, last] : crowded) {
      if (depth < kMaxSortDepth) {
        sort_span(values + first, last - first, depth + 1);
      } else {
        std::sort(values + first, values + last);
      }
    }
  }

  static void insertion_sort(double* first, double* last) noexcept {
    for (double* i = first + 1; i < last; ++i) {
      const double v = *i;
      double* j = i;
      for (; j > first && j[-1] > v; --j) *j = j[-1];
      *j = v;
    }
  }

  // LSD radix sort on the order-preserving bit patterns of finite doubles (8 bits a pass,
  // skipping passes where every key has the same byte).
  static void radix_sort(double* values, std::size_t n) {
    SortScratch& scratch = sort_scratch();
    scratch.keys.resize(n);
    scratch.spare.resize(n);
    std::uint32_t counts[8][256] = {};
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t u = 0;
      std::memcpy(&u, &values[i], sizeof u);
      u = (u >> 63) != 0 ? ~u : (u | (std::uint64_t{1} << 63));
      scratch.keys[i] = u;
      for (int p = 0; p < 8; ++p) ++counts[p][(u >> (8 * p)) & 0xFF];
    }
    std::uint64_t* src = scratch.keys.data();
    std::uint64_t* dst = scratch.spare.data();
    for (int p = 0; p < 8; ++p) {
      if (counts[p][(src[0] >> (8 * p)) & 0xFF] == n) continue;
      std::uint32_t offset[256];
      std::uint32_t sum = 0;
      for (int b = 0; b < 256; ++b) {
        offset[b] = sum;
        sum += counts[p][b];
      }
      for (std::size_t i = 0; i < n; ++i) dst[offset[(src[i] >> (8 * p)) & 0xFF]++] = src[i];
      std::swap(src, dst);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t k = src[i];
      const std::uint64_t u = (k >> 63) != 0 ? (k & ~(std::uint64_t{1} << 63)) : ~k;
      std::memcpy(&values[i], &u, sizeof u);
    }
  }

  // Every item with its weight, in value order: each level sorted on its own (a bucket sort),
  // then the levels merged pairwise. (One std::sort of all the pairs took ~1.5 ms a column, run
  // serially at the end of a describe of many columns.)
  [[nodiscard]] std::vector<Item> weighted() const {
    std::vector<std::vector<Item>> runs;
    std::vector<double> values;
    for (std::size_t h = 0; h < levels_.size(); ++h) {
      if (levels_[h].empty()) continue;
      values.assign(levels_[h].begin(), levels_[h].end());
      sort_span(values.data(), values.size(), 0);
      const double w = std::ldexp(1.0, static_cast<int>(h));
      std::vector<Item>& run = runs.emplace_back();
      run.reserve(values.size());
      for (double x : values) run.emplace_back(x, w);
    }
    const auto by_value = [](const Item& a, const Item& b) { return a.first < b.first; };
    while (runs.size() > 1) {
      std::vector<std::vector<Item>> next;
      for (std::size_t r = 0; r + 1 < runs.size(); r += 2) {
        std::vector<Item>& merged = next.emplace_back(runs[r].size() + runs[r + 1].size());
        std::merge(runs[r].begin(), runs[r].end(), runs[r + 1].begin(), runs[r + 1].end(),
                   merged.begin(), by_value);
      }
      if (runs.size() % 2 == 1) next.push_back(std::move(runs.back()));
      runs.swap(next);
    }
    return runs.empty() ? std::vector<Item>{} : std::move(runs.front());
  }

  [[nodiscard]] double pick(const std::vector<Item>& items, double q) const {
    if (q <= 0) return min_;
    if (q >= 1) return max_;
    const double target = q * static_cast<double>(n_ - 1);
    double before = 0;
    for (const auto& [value, weight] : items) {
      if (before + weight > target) return value;
      before += weight;
    }
    return max_;
  }

  static constexpr std::size_t kMaxRuns = 8;
  // Bins of bucket_sort's coarse histogram (its tables stay in L1).
  static constexpr std::size_t kDensityBins = 256;
  static constexpr int kLastBin = static_cast<int>(kDensityBins) - 1;
  // Spans of at least this many values build the histogram from every kSampleStride-th one.
  static constexpr std::size_t kSampledSpan = 2048;
  static constexpr std::size_t kSampleStride = 4;
  // Buckets of up to this many values are finished by insertion sort.
  static constexpr std::uint32_t kSmallBucket = 32;
  // How many times sort_span refines a crowded bucket before leaving it to std::sort.
  static constexpr int kMaxSortDepth = 3;

  // Buffers for sorting level 0, one set per thread: every sketch a thread feeds (one per
  // column) shares them, so a wide table does not keep a sort buffer per column.
  struct SortScratch {
    std::vector<double> sorted;               // bucket sort's output
    std::vector<std::uint32_t> bucket;        // each value's bucket
    std::vector<std::uint32_t> starts, fill;  // bucket boundaries, fill positions
    std::vector<std::uint64_t> keys, spare;   // radix sort's keys
  };
  static SortScratch& sort_scratch() {
    thread_local SortScratch scratch;
    return scratch;
  }

  std::size_t capacity_;
  std::vector<std::vector<double>> levels_;
  std::vector<double> run_;  // batch compaction and merge scratch
  std::vector<unsigned> parity_;
  std::int64_t n_ = 0;
  double error_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace quarry::stats
