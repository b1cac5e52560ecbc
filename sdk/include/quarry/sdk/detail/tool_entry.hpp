#pragma once
//! \file
//! The C `call` entry points generated for QUARRY_TOOL and QUARRY_STAGE_TOOL.
//! Private.

#include <cstdint>

#include "quarry/sdk/args.hpp"
#include "quarry/sdk/call.hpp"
#include "quarry/sdk/detail/guard.hpp"
#include "quarry/sdk/result.hpp"

namespace quarry::sdk::detail {

//! The C `call` entry of a QUARRY_TOOL: parse, run, deliver, catch everything.
template <Result (*Fn)(Call&, const Args&)>
quarry_status tool_entry(void*, const quarry_call_v1* raw, const char* args_json,
                         std::uint64_t args_size) noexcept {
  return guard(raw, [&]() -> quarry_status {
    Call call(raw);
    const Args args = Args::parse(args_json, args_size);
    return deliver(raw, Fn(call, args));
  });
}

//! The C `call` entry of a QUARRY_STAGE_TOOL, which runs only inside pipelines.
inline quarry_status stage_only_entry(void*, const quarry_call_v1* raw, const char*,
                                      std::uint64_t) noexcept {
  Call(raw).set_error(
      "this tool runs only as a pipeline stage over a data source; use it in a pipeline");
  return QUARRY_UNSUPPORTED;
}

}  // namespace quarry::sdk::detail
