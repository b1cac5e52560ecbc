#pragma once
//! \file
//! Pairwise-complete co-moments of every pair of k columns (CoMomentMatrix), accumulated a
//! block of rows at a time with one dot product per pair instead of one pass per pair.
//!
//! Per block, each column is centred on a shift near its block mean (exactly its value when
//! the block holds one distinct value, so a constant column stays exactly constant) and its
//! missing values (NaN) become 0. The dot product of two such columns is then already the
//! pair's sum of cross products over the rows where both have a value; the pair's count and
//! sums of x and x^2 differ from the column's own only by the rows where the other column is
//! missing, which are subtracted one by one. When a column misses more than an eighth of a
//! block, the pair's sums are gathered over the complete rows instead. Either way, when the
//! pair's complete rows sit far from the column's shift relative to their spread (converting
//! the sums to deviations would cancel most digits; e.g. a column constant exactly where the
//! other has values), the pair's block is redone the slow way, CoMoments::add on the gathered
//! rows, which stays exact. Each block enters the pair's CoMoments with the update of Chan,
//! Golub & LeVeque, as CoMoments::add does.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "detail/double2.hpp"
#include "detail/moments.hpp"

namespace quarry::stats {

//! Co-moments of all pairs (with the diagonal) of a fixed set of columns.
class CoMomentMatrix {
 public:
  //! A matrix over `columns` columns.
  explicit CoMomentMatrix(std::size_t columns)
      : k_(columns),
        pairs_(columns * (columns + 1) / 2),
        centred_(columns * kBlock),
        present_(columns * kBlock),
        blocks_(columns),
        missing_(columns * kBlock),
        source_(columns) {}

  //! Adds `rows` rows: columns[c][r] is column c's value in row r, NaN when missing.
  void add(std::span<const double* const> columns, std::size_t rows) {
    for (std::size_t at = 0; at < rows; at += kBlock) {
      const std::size_t n = std::min(kBlock, rows - at);
      for (std::size_t c = 0; c < k_; ++c) centre(c, columns[c] + at, n);
      for (std::size_t i = 0; i < k_; ++i) {
        for (std::size_t j = i; j < k_; ++j) add_pair(i, j, n);
      }
    }
  }

  //! Folds `other` (over the same columns) into this matrix.
  void merge(const CoMomentMatrix& other) noexcept {
    for (std::size_t p = 0; p < pairs_.size(); ++p) pairs_[p].merge(other.pairs_[p]);
  }

  //! The co-moments of columns i and j (in either order).
  [[nodiscard]] const CoMoments& at(std::size_t i, std::size_t j) const noexcept {
    return pairs_[pair(i, j)];
  }

 private:
  //! One column's block: its shift and its own count and sums of centred values.
  struct Block {
    double shift = 0;
    double count = 0;
    double sum = 0;
    double square_sum = 0;
    std::size_t missing = 0;  //!< rows listed in missing_ for this column
  };

  [[nodiscard]] std::size_t pair(std::size_t i, std::size_t j) const noexcept {
    if (i > j) std::swap(i, j);
    return i * k_ - i * (i - 1) / 2 + (j - i);
  }
  [[nodiscard]] double* centred(std::size_t c) noexcept { return centred_.data() + c * kBlock; }
  [[nodiscard]] const unsigned char* present(std::size_t c) const noexcept {
    return present_.data() + c * kBlock;
  }
  [[nodiscard]] const std::uint32_t* missing(std::size_t c) const noexcept {
    return missing_.data() + c * kBlock;
  }

  //! Sum of a[r] * b[r] over the block, padded with zeros to a multiple of 4 rows, in four
  //! independent sums (two lanes of two vectors).
  static double dot(const double* a, const double* b, std::size_t n) noexcept {
    Double2 low = splat2(0), high = splat2(0);
    for (std::size_t r = 0; r < n; r += 4) {
      low += load2(a + r) * load2(b + r);
      high += load2(a + r + 2) * load2(b + r + 2);
    }
    return lane_sum(low + high);
  }

  //! Sum of a[r] over the block, as dot() adds (four independent sums).
  static double total(const double* a, std::size_t n) noexcept {
    Double2 low = splat2(0), high = splat2(0);
    for (std::size_t r = 0; r < n; r += 4) {
      low += load2(a + r);
      high += load2(a + r + 2);
    }
    return lane_sum(low + high);
  }

  void centre(std::size_t c, const double* x, std::size_t n) {
    source_[c] = x;
    // Count, sum, min and max of the values that are not NaN, two rows at a time.
    const Double2 zero = splat2(0), one = splat2(1);
    const Double2 above_all = splat2(INFINITY), below_all = splat2(-INFINITY);
    Double2 sums = zero, counts = zero, lows = above_all, highs = below_all;
    std::size_t r = 0;
    for (; r + 2 <= n; r += 2) {
      const Double2 v = load2(x + r);
      const auto ok = v == v;
      sums += ok ? v : zero;
      counts += ok ? one : zero;
      lows = min2(lows, ok ? v : above_all);
      highs = max2(highs, ok ? v : below_all);
    }
    double sum = lane_sum(sums), count = lane_sum(counts);
    double low = std::min(lows[0], lows[1]), high = std::max(highs[0], highs[1]);
    for (; r < n; ++r) {
      const bool ok = x[r] == x[r];
      sum += ok ? x[r] : 0.0;
      count += ok ? 1.0 : 0.0;
      low = ok && x[r] < low ? x[r] : low;
      high = ok && x[r] > high ? x[r] : high;
    }
    Block& b = blocks_[c];
    b = Block{};
    b.count = count;
    b.shift = count == 0 ? 0.0 : low == high ? low : sum / count;
    double* z = centred(c);
    unsigned char* seen = present_.data() + c * kBlock;
    std::uint32_t* gaps = missing_.data() + c * kBlock;
    std::size_t gap_count = 0;
    const Double2 shift = splat2(b.shift);
    for (r = 0; r + 2 <= n; r += 2) {
      const Double2 v = load2(x + r);
      const Double2 centred = (v == v) ? v - shift : zero;
      std::memcpy(z + r, &centred, sizeof centred);
    }
    for (; r < n; ++r) z[r] = x[r] == x[r] ? x[r] - b.shift : 0.0;
    for (r = 0; r < n; ++r) seen[r] = x[r] == x[r] ? 1 : 0;
    if (count < static_cast<double>(n)) {
      // Missing rows are few: eight flags are looked at one by one only when one is 0.
      constexpr std::uint64_t kAllSeen = 0x0101010101010101ULL;
      for (r = 0; r < n; r += 8) {
        const std::size_t end = std::min(r + 8, n);
        std::uint64_t flags = 0;
        if (end - r == 8) std::memcpy(&flags, seen + r, sizeof flags);
        if (flags == kAllSeen) continue;
        for (std::size_t q = r; q < end; ++q) {
          gaps[gap_count] = static_cast<std::uint32_t>(q);
          gap_count += seen[q] ^ 1U;
        }
      }
    }
    for (r = n; r < kBlock; ++r) z[r] = 0.0;
    b.missing = gap_count;
    b.sum = total(z, round_up(n));
    b.square_sum = dot(z, z, round_up(n));
  }

  void add_pair(std::size_t i, std::size_t j, std::size_t n) {
    const Block& bi = blocks_[i];
    const Block& bj = blocks_[j];
    CoMoments& target = pairs_[pair(i, j)];
    if (i == j) {
      if (bi.count > 0) {
        target.add_sums(bi.count, bi.shift, bi.shift, bi.sum, bi.sum, bi.square_sum, bi.square_sum,
                        bi.square_sum);
      }
      return;
    }
    const double* zi = centred(i);
    const double* zj = centred(j);
    const double sxy = dot(zi, zj, round_up(n));
    double count = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    if (8 * (bi.missing + bj.missing) > n) {
      const unsigned char* pi = present(i);
      const unsigned char* pj = present(j);
      for (std::size_t r = 0; r < n; ++r) {
        const double w = (pi[r] & pj[r]) != 0 ? 1.0 : 0.0;
        count += w;
        sx += w * zi[r];
        sy += w * zj[r];
        sxx += w * zi[r] * zi[r];
        syy += w * zj[r] * zj[r];
      }
    } else {
      count = bi.count;
      sx = bi.sum;
      sxx = bi.square_sum;
      sy = bj.sum;
      syy = bj.square_sum;
      // Rows where j is missing but i is not (zi is 0 where i is missing too).
      const unsigned char* pi = present(i);
      for (const std::uint32_t *r = missing(j), *end = r + bj.missing; r != end; ++r) {
        count -= pi[*r];
        sx -= zi[*r];
        sxx -= zi[*r] * zi[*r];
      }
      for (const std::uint32_t *r = missing(i), *end = r + bi.missing; r != end; ++r) {
        sy -= zj[*r];
        syy -= zj[*r] * zj[*r];
      }
    }
    if (count == 0) return;
    if (cancels(count, sx, sxx) || cancels(count, sy, syy)) {
      add_gathered(target, i, j, n);
      return;
    }
    target.add_sums(count, bi.shift, bj.shift, sx, sy, sxx, syy, sxy);
  }

  //! True when sum - s^2 / n would lose more than ~20 of sum's 53 bits.
  static bool cancels(double n, double s, double sum) noexcept {
    return sum - s * (s / n) < 1e-6 * sum;
  }

  //! Adds the pair's complete rows of the block the exact (slower) way.
  void add_gathered(CoMoments& target, std::size_t i, std::size_t j, std::size_t n) {
    gathered_x_.clear();
    gathered_y_.clear();
    const unsigned char* pi = present(i);
    const unsigned char* pj = present(j);
    for (std::size_t r = 0; r < n; ++r) {
      if ((pi[r] & pj[r]) == 0) continue;
      gathered_x_.push_back(source_[i][r]);
      gathered_y_.push_back(source_[j][r]);
    }
    target.add(gathered_x_.data(), gathered_y_.data(), gathered_x_.size());
  }

  static std::size_t round_up(std::size_t n) noexcept { return (n + 3) / 4 * 4; }

  std::size_t k_;
  std::vector<CoMoments> pairs_;        // upper triangle with diagonal, row-major
  std::vector<double> centred_;         // k blocks of kBlock centred values (0 = missing)
  std::vector<unsigned char> present_;  // k blocks of kBlock flags
  std::vector<Block> blocks_;           // k
  std::vector<std::uint32_t> missing_;  // k blocks: rows missing in the block
  std::vector<const double*> source_;   // k: the block's original values
  std::vector<double> gathered_x_, gathered_y_;
};

}  // namespace quarry::stats
