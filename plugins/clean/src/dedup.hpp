#pragma once
//! \file
//! clean_dedup: drops duplicate rows (on all columns or a key subset), keeping the first or
//! the last of each group, like pandas' drop_duplicates(subset, keep).
//!
//! Rows are identified by a 128-bit hash of their key values (detail/row_hash.hpp) kept in
//! an open-addressing table: for n distinct keys the chance that two of them share a hash
//! (and one is wrongly dropped) is at most n^2 / 2^129, about 1.5e-21 for a billion keys,
//! assuming the hash behaves as a random function. keep=first streams in order in one pass.
//! keep=last, and on_budget "spill", run a first pass that finds the row kept for every key
//! and ends with one bit per row; the main pass then keeps exactly those rows. Past the
//! memory budget the call fails naming it, unless on_budget says otherwise: "spill" moves
//! the row hashes to disk in hash partitions and resolves them one at a time (exact; the
//! memory stays within the budget whatever the file's size), "approximate" turns the table
//! into a Bloom filter of the budget's size and the report states the expected number of
//! unique rows wrongly dropped.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/format.hpp"
#include "detail/hashed_row_spill.hpp"
#include "detail/row_hash.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! What to do when the distinct keys outgrow the memory budget (argument on_budget).
enum class PastBudget { kFail, kSpill, kApproximate };

//! The parsed arguments of clean_dedup.
struct DedupPlan {
  std::vector<std::int64_t> key;  //!< key column indices
  json key_names = json::array();
  bool keep_last = false;
  PastBudget past_budget = PastBudget::kFail;

  //! Reads columns (the key; default all), keep and on_budget.
  DedupPlan(const sdk::Args& args, const sdk::SchemaView& schema) {
    for (const auto& ref : columns_or_all(args, "columns", schema)) {
      if (ref.type == sdk::ColumnType::other) {
        throw sdk::Error::invalid_argument("column '" + ref.name +
                                           "' cannot be compared; leave it out of 'columns'");
      }
      key.push_back(ref.index);
      key_names.push_back(ref.name);
    }
    const std::string keep = args.get_or("keep", "first");
    if (keep != "first" && keep != "last") {
      throw sdk::Error::invalid_argument("keep must be \"first\" or \"last\", got \"" + keep +
                                         "\"");
    }
    keep_last = keep == "last";
    past_budget = read_past_budget(args);
    if (keep_last && past_budget == PastBudget::kApproximate) {
      throw sdk::Error::invalid_argument(
          "on_budget \"approximate\" works with keep \"first\" only (keep \"last\" must know "
          "every key's last row exactly); pass on_budget \"spill\" to stay within the budget");
    }
  }

  //! Whether the kept rows are found by a first pass: keep last, or spilling allowed.
  static bool runs_first_pass(const sdk::Args& args) {
    return args.get_or("keep", "first") == "last" || args.get_or("on_budget", "error") == "spill";
  }

 private:
  static PastBudget read_past_budget(const sdk::Args& args) {
    const std::string on_budget = args.get_or("on_budget", "error");
    if (on_budget == "error") return PastBudget::kFail;
    if (on_budget == "spill") return PastBudget::kSpill;
    if (on_budget == "approximate") return PastBudget::kApproximate;
    throw sdk::Error::invalid_argument(
        "on_budget must be \"error\", \"spill\" or \"approximate\", got \"" + on_budget + "\"");
  }
};

//! The first pass of keep=last and on_budget "spill" (ordered, consume-only): which rows are
//! kept, one bit per row. Each key's first (or last) row goes into a table of row hashes;
//! with on_budget "spill", past the budget the table and every later row go to disk in hash
//! partitions instead, each resolved in memory on its own at the end.
class DedupKeptRows {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  //! Parses the same arguments as the main pass.
  DedupKeptRows(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        active_(DedupPlan::runs_first_pass(args)),
        scratch_(call.scratch_directory()),
        table_(true, budget_.limit()) {}

  //! Records the rows of one chunk (nothing when the call needs no first pass).
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    if (!active_) return;
    call.throw_if_cancelled();
    hash_rows(chunk, plan_.key, hashes_);
    for (std::size_t i = 0; i < hashes_.size(); ++i) {
      const HashedRow row{hashes_[i], rows_ + static_cast<std::int64_t>(i)};
      if (!spill_ && table_.bytes_after_insert() > budget_.limit()) start_spill(call);
      if (spill_) {
        spill_->add(row);
      } else {
        record(table_, row);
      }
    }
    rows_ += chunk.rows();
  }

  //! Turns what was recorded into one bit per row (resolving the spilled partitions).
  void finish(sdk::Call& call) {
    if (!active_) return;
    const std::uint64_t words = (static_cast<std::uint64_t>(rows_) + 63) / 64;
    budget_.check(words * 8, "the kept-row bits of clean_dedup (one per row)");
    kept_.assign(words, 0);
    if (!spill_) {
      mark_kept(table_);
      table_.clear();
      return;
    }
    spilled_bytes_ = spill_->bytes();
    RowHashTable partition(true, budget_.limit());
    auto resolve = [&](auto& read) {
      call.throw_if_cancelled();
      bool fits = true;
      read([&](std::span<const HashedRow> rows) {
        for (const HashedRow& row : rows) {
          if (!fits || partition.bytes_after_insert() + words * 8 > budget_.limit()) {
            fits = false;
            return;
          }
          record(partition, row);
        }
      });
      if (fits) mark_kept(partition);
      partition.clear();
      return fits;
    };
    spill_->resolve_each(resolve);
    spill_.reset();
  }

  //! Whether row `row` (0-based, in input order) is the one kept of its key.
  [[nodiscard]] bool kept(std::int64_t row) const {
    const auto r = static_cast<std::uint64_t>(row);
    return (kept_[r >> 6] >> (r & 63)) & 1U;
  }

  //! Rows the pass saw.
  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }

  //! Bytes of row hashes that went to disk (0 when everything fitted the budget).
  [[nodiscard]] std::uint64_t spilled_bytes() const noexcept { return spilled_bytes_; }

 private:
  // Keeps the first (smallest) or last (largest) row of the key.
  void record(RowHashTable& table, const HashedRow& row) const {
    std::int64_t* existing = nullptr;
    if (table.insert(row.hash, row.row, &existing)) return;
    *existing = plan_.keep_last ? std::max(*existing, row.row) : std::min(*existing, row.row);
  }

  void mark_kept(const RowHashTable& table) {
    table.for_each_entry([this](const Hash128&, std::int64_t row) {
      const auto r = static_cast<std::uint64_t>(row);
      kept_[r >> 6] |= std::uint64_t{1} << (r & 63);
    });
  }

  void start_spill(const sdk::Call& call) {
    const std::string what = plan_.keep_last ? "the row-hash table of clean_dedup (keep last)"
                                             : "the row-hash table of clean_dedup";
    if (plan_.past_budget != PastBudget::kSpill) {
      budget_.check(table_.bytes_after_insert(), what,
                    "pass \"on_budget\": \"spill\" to go on with the hashes on disk (exact)");
    }
    if (scratch_.empty()) {
      budget_.check(table_.bytes_after_insert(), what,
                    "use a host that offers plugins a scratch directory (Quarry 1.2 or later) "
                    "for on_budget \"spill\"");
    }
    call.log(sdk::LogLevel::info, "clean_dedup: the row hashes outgrew the memory budget after " +
                                      std::to_string(rows_) +
                                      " rows; going on with them on disk (exact)");
    spill_.emplace(scratch_, 0, budget_.limit() / 4);  // buffers: the freed table's memory
    table_.for_each_entry([this](const Hash128& hash, std::int64_t row) {
      spill_->add(HashedRow{hash, row});
    });
    table_.clear();
  }

  DedupPlan plan_;
  Budget budget_;
  bool active_;
  std::string scratch_;
  RowHashTable table_;
  std::optional<HashedRowSpill> spill_;
  std::vector<Hash128> hashes_;
  std::vector<std::uint64_t> kept_;
  std::int64_t rows_ = 0;
  std::uint64_t spilled_bytes_ = 0;
};

//! The main pass: keeps the first (or last) row of every key, in order.
class DedupStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;
  using FirstPass = DedupKeptRows;

  //! keep=last and on_budget "spill" find the kept rows before the first row is written.
  static bool needs_first_pass(const sdk::Args& args) { return DedupPlan::runs_first_pass(args); }

  //! Opens with the first pass (keep=last or on_budget "spill"; unused otherwise).
  DedupStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input,
             const DedupKeptRows& first)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        first_(DedupPlan::runs_first_pass(args) ? &first : nullptr),
        builder_(sdk::ChunkBuilder::like(input)),
        seen_(false, budget_.limit()) {}

  //! Opens without a first pass (keep=first, or hosts before ABI 1.1).
  DedupStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        first_(nullptr),
        builder_(sdk::ChunkBuilder::like(input)),
        seen_(false, budget_.limit()) {
    if (DedupPlan::runs_first_pass(args)) {
      throw sdk::Error::unsupported(
          "keep \"last\" and on_budget \"spill\" need a host that runs two-pass stages (plugin "
          "ABI 1.1); use keep \"first\" or update Quarry");
    }
  }

  //! Emits the rows of one chunk that are kept.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    kept_.clear();
    if (first_ != nullptr) {
      if (rows_ + chunk.rows() > first_->rows()) {
        throw sdk::Error::io("the input has more rows than in clean_dedup's first pass (" +
                             std::to_string(first_->rows()) +
                             "): it changed during the call; run it again");
      }
      for (std::int64_t i = 0; i < chunk.rows(); ++i) {
        if (first_->kept(rows_ + i)) kept_.push_back(i);
      }
    } else {
      hash_rows(chunk, plan_.key, hashes_);
      // The table outgrows the caches: load each key's slot a few rows ahead.
      constexpr std::size_t kAhead = 8;
      for (std::size_t i = 0; i < hashes_.size(); ++i) {
        if (i + kAhead < hashes_.size() && !bloom_) seen_.prefetch(hashes_[i + kAhead]);
        if (keep_first(hashes_[i])) kept_.push_back(static_cast<std::int64_t>(i));
      }
    }
    rows_ += chunk.rows();
    kept_total_ += static_cast<std::int64_t>(kept_.size());
    const bool every_row = static_cast<std::int64_t>(kept_.size()) == chunk.rows();
    return select_rows(builder_, chunk, {every_row ? nullptr : &kept_, chunk.rows()});
  }

  //! The report: rows in, kept, dropped; exactness and its bound.
  sdk::Result finish(sdk::Call&) const {
    const double fpr = bloom_ ? bloom_->false_positive_rate() : 0.0;
    const double expected_wrong = static_cast<double>(checked_approximately_) * fpr;
    json data = {{"rows_in", rows_},
                 {"rows_out", kept_total_},
                 {"duplicates_dropped", rows_ - kept_total_},
                 {"columns", plan_.key_names},
                 {"keep", plan_.keep_last ? "last" : "first"},
                 {"exact", !bloom_.has_value()},
                 {"distinct_keys", bloom_ ? json(nullptr) : json(distinct_keys())},
                 {"hash_collision_bound", collision_bound()}};
    std::string text = "clean_dedup: " + std::to_string(rows_) + " rows in, " +
                       std::to_string(rows_ - kept_total_) + " duplicates dropped (keep " +
                       (plan_.keep_last ? "last" : "first") + "), " + std::to_string(kept_total_) +
                       " rows out";
    if (bloom_) {
      data["approximate"] = {{"rows_checked_approximately", checked_approximately_},
                             {"false_positive_rate", fpr},
                             {"expected_unique_rows_dropped", expected_wrong},
                             {"filter_bytes", bloom_->bytes()}};
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "\nnote: past the memory budget after %lld rows; the rest were checked with a "
                    "Bloom filter (false-positive rate %.3g): about %.3g unique rows may have been "
                    "dropped as duplicates",
                    static_cast<long long>(rows_ - checked_approximately_), fpr, expected_wrong);
      text += buf;
    }
    if (first_ != nullptr && first_->spilled_bytes() > 0) {
      data["spilled_bytes"] = first_->spilled_bytes();
      text += "\nnote: the row hashes outgrew the memory budget; " +
              Budget::mib(first_->spilled_bytes()) +
              " of them went to disk in hash partitions (the result is exact)";
    }
    return sdk::Result::structured(std::move(data), text + "\n");
  }

 private:
  [[nodiscard]] std::int64_t distinct_keys() const {
    return first_ != nullptr ? kept_total_ : static_cast<std::int64_t>(seen_.size());
  }

  // n^2 / 2^129: the chance that two of n distinct keys share a 128-bit hash.
  [[nodiscard]] double collision_bound() const {
    const auto n = static_cast<double>(bloom_ ? rows_ : distinct_keys());
    return n * n / 6.80564733841877e38;
  }

  // Whether `h` is new (keep=first in one pass), within the budget or past it.
  bool keep_first(Hash128 h) {
    if (bloom_) {
      ++checked_approximately_;
      return !bloom_->insert(h);
    }
    if (seen_.bytes_after_insert() > budget_.limit()) {
      if (plan_.past_budget != PastBudget::kApproximate) {
        budget_.check(seen_.bytes_after_insert(), "the row-hash table of clean_dedup",
                      "pass \"on_budget\": \"spill\" to go on with the hashes on disk (exact, "
                      "reads the input twice) or \"approximate\" to go on with a Bloom filter "
                      "(a few unique rows may then be dropped; the report says how many to "
                      "expect)");
      }
      to_bloom();
      ++checked_approximately_;
      return !bloom_->insert(h);
    }
    return seen_.insert(h, 0);
  }

  void to_bloom() {
    bloom_.emplace(budget_.limit());
    seen_.for_each_key([this](const Hash128& k) { bloom_->insert(k); });
    seen_.clear();
  }

  DedupPlan plan_;
  Budget budget_;
  const DedupKeptRows* first_;  // the first pass, when it ran
  sdk::ChunkBuilder builder_;
  RowHashTable seen_;
  std::optional<BlockedBloom> bloom_;
  std::vector<Hash128> hashes_;
  std::vector<std::int64_t> kept_;
  std::int64_t rows_ = 0;
  std::int64_t kept_total_ = 0;
  std::int64_t checked_approximately_ = 0;
};

}  // namespace quarry::clean
