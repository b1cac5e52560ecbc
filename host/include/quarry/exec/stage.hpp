#pragma once
//! \file
//! What the executor runs: stages configured with their arguments, and the
//! instances that process chunks.

#include "quarry/io/chunk.hpp"
#include "quarry/tools/tool.hpp"

#include <memory>
#include <string>

namespace quarry::exec {

//! How a stage may be scheduled (DESIGN.md "Stage modes").
enum class StageMode {
  kStateless,   //!< each chunk alone; chunks run in parallel
  kMergeable,   //!< partial states (one per chunk) merged in chunk order at the end
  kOrdered,     //!< one state, chunks in sequence order
  kAccumulate,  //!< needs whole columns; one state, in order, within the memory budget
};

//! "stateless", "mergeable", "ordered" or "accumulate".
[[nodiscard]] std::string_view to_string(StageMode mode);

//! A stage's working state for one run (or one chunk, for kMergeable).
//! Methods are called from one thread at a time.
class StageInstance {
 public:
  virtual ~StageInstance() = default;
  //! Processes one chunk. Transforming stages return the chunk to pass on
  //! (exactly one per input, possibly with zero rows); analyses return nullptr.
  //! `final_chunk` marks the input's last chunk (seen last by ordered stages).
  virtual std::shared_ptr<const io::Chunk> process(const std::shared_ptr<const io::Chunk>& chunk,
                                                   bool final_chunk) = 0;
  //! kMergeable only: folds `other` (an instance of the same stage) into this one.
  virtual void merge(StageInstance& other) = 0;
  //! Produces the stage's result after the last chunk; a transforming stage may
  //! return an empty result (no content, no structured data) when it has no report.
  virtual tools::ToolResult finish() = 0;
};

//! A tool configured with its arguments, ready to be opened for a run.
class Stage {
 public:
  virtual ~Stage() = default;
  //! The tool name, for messages.
  [[nodiscard]] virtual const std::string& name() const = 0;
  [[nodiscard]] virtual StageMode mode() const = 0;
  //! True when the stage passes a (possibly changed) stream on to later stages.
  [[nodiscard]] virtual bool transforms() const = 0;
  //! Opens an instance for chunks of `input`; throws StageError when the arguments
  //! do not fit the schema (e.g. a missing column), before any chunk is processed.
  [[nodiscard]] virtual std::unique_ptr<StageInstance> open(const io::Schema& input,
                                                            tools::CallContext& context) = 0;
  //! The stage the executor must run over the whole input before this one (a
  //! consume-only, mergeable or ordered stage), or nullptr for a one-pass stage.
  [[nodiscard]] virtual std::shared_ptr<Stage> first_pass() const { return nullptr; }
  //! Opens an instance for the second pass, given the finished (merged) state of
  //! first_pass(); `first` outlives every instance opened with it.
  [[nodiscard]] virtual std::unique_ptr<StageInstance> open_second_pass(
      const io::Schema& input, tools::CallContext& context, const StageInstance& first) {
    (void)first;
    return open(input, context);
  }
};

//! Why a run stopped early.
enum class FailureKind { kNone, kInput, kChunk, kMemory, kAggregation, kTimeout, kCancelled };

//! "input", "chunk", "memory", "aggregation", "timeout", "cancelled" ("none").
[[nodiscard]] std::string_view to_string(FailureKind kind);

//! A stage failure with its kind; thrown by stages, caught by the executor.
class StageError : public std::runtime_error {
 public:
  StageError(FailureKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] FailureKind kind() const { return kind_; }

 private:
  FailureKind kind_;
};

}  // namespace quarry::exec
