#pragma once
//! \file
//! Streaming stages in C++: write a class, get a quarry_stage_v1.
//!
//! \code
//! class SumStage {
//!  public:
//!   static constexpr quarry::sdk::StageMode mode = quarry::sdk::StageMode::mergeable;
//!   SumStage(quarry::sdk::Call&, const quarry::sdk::Args& args, const quarry::sdk::SchemaView&)
//!       : column_(args.get<std::string>("column")) {}                            // open
//!   void consume(quarry::sdk::Call&, const quarry::sdk::ChunkView& chunk) {      // each chunk
//!     auto v = chunk.column(column_).float64s();
//!     for (int64_t i = 0; i < v.size(); ++i) if (v.is_valid(i)) sum_ += v[i];
//!   }
//!   void merge(SumStage& other, quarry::sdk::Call&) { sum_ += other.sum_; }     // MERGEABLE
//!   quarry::sdk::Result finish(quarry::sdk::Call&) {                            // the result
//!     return quarry::sdk::Result::structured({{"sum", sum_}}, "sum = " + std::to_string(sum_));
//!   }
//!  private:
//!   std::string column_;
//!   double sum_ = 0;
//! };                                                                           // close =
//! ~SumStage \endcode
//!
//! The class needs `static constexpr StageMode mode` and consume() and/or
//! transform(); everything else is optional:
//!   - open: a constructor taking (Call&, const Args&, const SchemaView& input),
//!     (const Args&, const SchemaView&), (const Args&) or nothing. The Call is
//!     valid only during the constructor: do not keep it.
//!   - `void consume(Call&, const ChunkView&)`: reads a borrowed chunk.
//!   - `OwnedChunk transform(Call&, const ChunkView&)`: one output per input,
//!     possibly with zero rows (see ChunkBuilder).
//!   - `void merge(T& other, Call&)`: required for StageMode::mergeable.
//!   - `Result finish(Call&)` (or `void finish(Call&)`): the run's result.
//!   - close: the destructor.
//!   - `using FirstPass = F;` (ABI 1.1): F is a consume-only stage class (mergeable
//!     or ordered) the host runs over the whole input first. After merging F's
//!     states and calling F::finish (void) it opens this stage with the constructor
//!     (Call&, const Args&, const SchemaView&, const F& first_pass); every worker
//!     gets the same F, so only read it. For what must be known before the first
//!     row is processed: a mean or median to fill with, outlier fences, where each
//!     key last occurs.
//!   - `call.final_chunk()` (ABI 1.1) is true on the last chunk's consume/transform
//!     call; ordered stages see it last, so rows held back can be emitted then.
//! Every exception is caught and reported like a tool's (see QUARRY_TOOL).

#include "quarry/sdk/args.hpp"
#include "quarry/sdk/call.hpp"
#include "quarry/sdk/chunk_builder.hpp"
#include "quarry/sdk/chunk_view.hpp"
#include "quarry/sdk/detail/stage_adapter.hpp"
#include "quarry/sdk/result.hpp"
#include "quarry/sdk/stage_mode.hpp"

namespace quarry::sdk {

//! The quarry_stage_v1 for stage class T (static storage, valid for the life of
//! the process). QUARRY_STAGE_TOOL uses it; call it yourself only when writing
//! a quarry_tool_v1 by hand.
template <class T>
[[nodiscard]] constexpr const quarry_stage_v1* stage_v1() noexcept {
  return &detail::StageAdapter<T>::table;
}

}  // namespace quarry::sdk
