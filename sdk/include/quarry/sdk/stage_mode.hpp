#pragma once
//! \file
//! quarry::sdk::StageMode: how the host may schedule a streaming stage.

#include "quarry/sdk/detail/config.hpp"

namespace quarry::sdk {

//! How the host may schedule a stage (quarry_stage_mode).
enum class StageMode : quarry_stage_mode {
  stateless = QUARRY_STAGE_STATELESS,    //!< Each chunk alone; chunks run in parallel.
  mergeable = QUARRY_STAGE_MERGEABLE,    //!< Per-worker states, merged at the end.
  ordered = QUARRY_STAGE_ORDERED,        //!< One state, chunks in sequence order.
  accumulate = QUARRY_STAGE_ACCUMULATE,  //!< Needs whole columns; the host enforces the budget.
};

}  // namespace quarry::sdk
