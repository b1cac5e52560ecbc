#pragma once
// The first moments of a `quarry serve` session, answered by the front from a startup
// snapshot while the engine is not running yet: `initialize` and `tools/list` pages. The
// first message it cannot answer (or a pause in the conversation) ends this phase; what
// the engine needs to take over is then returned as a handover.

#include "quarry/startup/handover.hpp"
#include "quarry/startup/snapshot.hpp"

namespace quarry::front {

//! How the early phase ended.
struct EarlyOutcome {
  //! What the engine needs to continue.
  startup::Handover handover;
  //! The client closed stdin (or went away) with nothing left for the engine to do.
  bool finished = false;
};

//! Answers from `snapshot` on `in_fd`/`out_fd` for as long as it can.
[[nodiscard]] EarlyOutcome answer_early(const startup::SnapshotReader& snapshot, int in_fd,
                                        int out_fd);

}  // namespace quarry::front
