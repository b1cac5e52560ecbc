#pragma once
//! \file
//! clean_dedup: drops duplicate rows (on all columns or a key subset), keeping the first or
//! the last of each group, like pandas' drop_duplicates(subset, keep).
//!
//! Rows are identified by a 128-bit hash of their key values (detail/row_hash.hpp) kept in
//! an open-addressing table: for n distinct keys the chance that two of them share a hash
//! (and one is wrongly dropped) is at most n^2 / 2^129, about 1.5e-21 for a billion keys,
//! assuming the hash behaves as a random function. keep=first streams in order; keep=last
//! runs a first pass recording the last row of every key, then keeps exactly those rows.
//! Past the memory budget the call fails naming it, unless on_budget is "approximate":
//! then the table turns into a Bloom filter of the budget's size and the report states the
//! expected number of unique rows wrongly dropped.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/format.hpp"
#include "detail/row_hash.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! The parsed arguments of clean_dedup.
struct DedupPlan {
  std::vector<std::int64_t> key;  //!< key column indices
  json key_names = json::array();
  bool keep_last = false;
  bool approximate_past_budget = false;

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
    const std::string on_budget = args.get_or("on_budget", "error");
    if (on_budget != "error" && on_budget != "approximate") {
      throw sdk::Error::invalid_argument("on_budget must be \"error\" or \"approximate\", got \"" +
                                         on_budget + "\"");
    }
    approximate_past_budget = on_budget == "approximate";
    if (keep_last && approximate_past_budget) {
      throw sdk::Error::invalid_argument(
          "on_budget \"approximate\" works with keep \"first\" only (keep \"last\" must know every "
          "key's last row exactly)");
    }
  }
};

//! The first pass of keep=last: the last row number of every key (ordered, consume-only).
//! With keep=first it does nothing.
class DedupLastRows {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  //! Parses the same arguments as the main pass.
  DedupLastRows(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input), budget_(call, sdk::StageMode::ordered), table_(true, budget_.limit()) {}

  //! Records the rows of one chunk.
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    if (!plan_.keep_last) return;
    call.throw_if_cancelled();
    hash_rows(chunk, plan_.key, hashes_);
    for (std::size_t i = 0; i < hashes_.size(); ++i) {
      budget_.check(table_.bytes_after_insert(), "the row-hash table of clean_dedup (keep last)",
                    "deduplicate on fewer rows (e.g. split the file)");
      std::int64_t* existing = nullptr;
      const std::int64_t row = rows_ + static_cast<std::int64_t>(i);
      if (!table_.insert(hashes_[i], row, &existing)) *existing = row;
    }
    rows_ += chunk.rows();
  }

  //! The last row of `h`'s key, or nullptr.
  [[nodiscard]] const std::int64_t* last_row(Hash128 h) const { return table_.find(h); }

 private:
  DedupPlan plan_;
  Budget budget_;
  RowHashTable table_;
  std::vector<Hash128> hashes_;
  std::int64_t rows_ = 0;
};

//! The main pass: keeps the first (or last) row of every key, in order.
class DedupStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;
  using FirstPass = DedupLastRows;

  //! Only keep=last needs to know, before the first row, where each key last occurs.
  static bool needs_first_pass(const sdk::Args& args) {
    return args.get_or("keep", "first") == "last";
  }

  //! Opens with the first pass (used only for keep=last).
  DedupStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input,
             const DedupLastRows& last)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        last_(&last),
        builder_(sdk::ChunkBuilder::like(input)),
        seen_(false, budget_.limit()) {}

  //! Opens without a first pass (keep=first, or hosts before ABI 1.1).
  DedupStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        last_(nullptr),
        builder_(sdk::ChunkBuilder::like(input)),
        seen_(false, budget_.limit()) {
    if (plan_.keep_last) {
      throw sdk::Error::unsupported(
          "keep \"last\" needs a host that runs two-pass stages (plugin ABI 1.1); use keep "
          "\"first\" or update Quarry");
    }
  }

  //! Emits the rows of one chunk that are kept.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    hash_rows(chunk, plan_.key, hashes_);
    kept_.clear();
    // The table outgrows the caches: load each key's slot a few rows ahead.
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < hashes_.size(); ++i) {
      if (i + kAhead < hashes_.size() && !bloom_) seen_.prefetch(hashes_[i + kAhead]);
      if (keep(hashes_[i], rows_ + static_cast<std::int64_t>(i)))
        kept_.push_back(static_cast<std::int64_t>(i));
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
    return sdk::Result::structured(std::move(data), text + "\n");
  }

 private:
  [[nodiscard]] std::int64_t distinct_keys() const {
    return plan_.keep_last ? kept_total_ : static_cast<std::int64_t>(seen_.size());
  }

  // n^2 / 2^129: the chance that two of n distinct keys share a 128-bit hash.
  [[nodiscard]] double collision_bound() const {
    const auto n = static_cast<double>(bloom_ ? rows_ : distinct_keys());
    return n * n / 6.80564733841877e38;
  }

  bool keep(Hash128 h, std::int64_t row) {
    if (plan_.keep_last) {
      const std::int64_t* last = last_->last_row(h);
      return last != nullptr && *last == row;
    }
    if (bloom_) {
      ++checked_approximately_;
      return !bloom_->insert(h);
    }
    if (seen_.bytes_after_insert() > budget_.limit()) {
      if (!plan_.approximate_past_budget) {
        budget_.check(seen_.bytes_after_insert(), "the row-hash table of clean_dedup",
                      "pass \"on_budget\": \"approximate\" to continue with a Bloom filter (a "
                      "few unique rows may then be dropped; the report says how many to expect)");
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
  const DedupLastRows* last_;
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
