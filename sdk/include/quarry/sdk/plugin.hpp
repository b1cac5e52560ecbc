#pragma once
//! \file
//! Declaring a plugin and its tools: QUARRY_PLUGIN defines the C entry points,
//! QUARRY_TOOL / QUARRY_STAGE_TOOL register tools. No C boilerplate needed.
//!
//! \code
//! #include <quarry/sdk.hpp>
//!
//! QUARRY_PLUGIN("echo", "1.0.0", "Example plugin")
//!
//! QUARRY_TOOL(echo_text, "echo_text", "Echo", "Returns its text argument.",
//!             R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})",
//!             nullptr)
//! (quarry::sdk::Call&, const quarry::sdk::Args& args) -> quarry::sdk::Result {
//!   return quarry::sdk::Result::text(args.get<std::string>("text"));
//! }
//! \endcode
//!
//! One QUARRY_PLUGIN per shared library (a second one fails to link); tools may
//! be declared in any of its source files. Tool functions may run concurrently
//! on several threads. Anything they throw is caught at the C boundary:
//! quarry::sdk::Error keeps its status, std::bad_alloc becomes
//! QUARRY_OUT_OF_MEMORY, other exceptions QUARRY_ERROR with their what() (or a
//! generic message), always reported through set_error.

#include <cstdint>

#include "quarry/sdk/args.hpp"
#include "quarry/sdk/call.hpp"
#include "quarry/sdk/detail/registry.hpp"
#include "quarry/sdk/detail/tool_entry.hpp"
#include "quarry/sdk/result.hpp"
#include "quarry/sdk/stage.hpp"

namespace quarry::sdk {

//! The signature of a tool function declared with QUARRY_TOOL.
using ToolFunction = Result (*)(Call& call, const Args& args);

}  // namespace quarry::sdk

//! Defines the plugin's entry symbols (quarry_plugin_abi_version and
//! quarry_plugin_init_v1) with its name (a short identifier), version and
//! one-line description, all string literals. Use once per shared library, at
//! namespace scope. The init entry checks every declared tool (name pattern,
//! duplicates, description, schemas parse as JSON objects) and refuses to load
//! with a message naming the problem.
#define QUARRY_PLUGIN(name, version, description)                                              \
  extern "C" QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {                          \
    return QUARRY_ABI_VERSION;                                                                 \
  }                                                                                            \
  extern "C" QUARRY_EXPORT quarry_status quarry_plugin_init_v1(                                \
      const quarry_host_v1* host, const quarry_plugin_v1** plugin, char* error,                \
      uint64_t error_capacity) {                                                               \
    return ::quarry::sdk::detail::init_plugin(name, version, description, host, plugin, error, \
                                              error_capacity);                                 \
  }

//! Internal: the static tool descriptor plus its registrar.
#define QUARRY_DETAIL_TOOL(ident, name, title, description, input_schema, output_schema, \
                           annotations, entry, stage)                                    \
  static const quarry_tool_v1 quarry_detail_tool_##ident = {                             \
      static_cast<uint32_t>(sizeof(quarry_tool_v1)),                                     \
      name,                                                                              \
      title,                                                                             \
      description,                                                                       \
      input_schema,                                                                      \
      output_schema,                                                                     \
      annotations,                                                                       \
      entry,                                                                             \
      stage};                                                                            \
  static const ::quarry::sdk::detail::ToolRegistrar quarry_detail_registrar_##ident {    \
    &quarry_detail_tool_##ident                                                          \
  }

//! Declares a tool; its function follows the macro as a parameter list and body:
//! `(quarry::sdk::Call& call, const quarry::sdk::Args& args) -> quarry::sdk::Result
//! { ... }`. `ident` is a C++ identifier unique in the file (the function is
//! named quarry_tool_<ident>); `name` matches ^[a-zA-Z0-9_-]{1,64}$; `title` may
//! be nullptr; `input_schema` is a JSON Schema object as text; `output_schema`
//! is the schema of structuredContent, or nullptr.
#define QUARRY_TOOL(ident, name, title, description, input_schema, output_schema) \
  QUARRY_TOOL_ANNOTATED(ident, name, title, description, input_schema, output_schema, nullptr)

//! QUARRY_TOOL with MCP ToolAnnotations (a JSON object as text, e.g.
//! R"({"readOnlyHint":true})").
#define QUARRY_TOOL_ANNOTATED(ident, name, title, description, input_schema, output_schema,     \
                              annotations)                                                      \
  static ::quarry::sdk::Result quarry_tool_##ident(::quarry::sdk::Call&,                        \
                                                   const ::quarry::sdk::Args&);                 \
  QUARRY_DETAIL_TOOL(ident, name, title, description, input_schema, output_schema, annotations, \
                     &::quarry::sdk::detail::tool_entry<&quarry_tool_##ident>, nullptr);        \
  static auto quarry_tool_##ident

//! Declares a tool that runs as a streaming pipeline stage implemented by the
//! stage class given last (see quarry/sdk/stage.hpp); end it with a semicolon.
//! Called directly (outside a pipeline) it fails with QUARRY_UNSUPPORTED.
//!
//! A stage that reads only the columns its arguments name should say which arguments those
//! are with the top-level input-schema keyword "x-quarry-reads" (e.g.
//! `"x-quarry-reads":["column","by"]`): the host then types and parses only those columns
//! of a CSV input. A string argument names one column (absent: none); an array or object
//! (its keys) names several, and absence, an empty one or an enum value (such as "numeric")
//! means every column. Without the keyword the stage sees every column.
#define QUARRY_STAGE_TOOL(ident, name, title, description, input_schema, output_schema, ...) \
  QUARRY_STAGE_TOOL_ANNOTATED(ident, name, title, description, input_schema, output_schema,  \
                              nullptr, __VA_ARGS__)

//! QUARRY_STAGE_TOOL with MCP ToolAnnotations (a JSON object as text).
#define QUARRY_STAGE_TOOL_ANNOTATED(ident, name, title, description, input_schema, output_schema, \
                                    annotations, ...)                                             \
  QUARRY_DETAIL_TOOL(ident, name, title, description, input_schema, output_schema, annotations,   \
                     &::quarry::sdk::detail::stage_only_entry,                                    \
                     ::quarry::sdk::stage_v1<__VA_ARGS__>())
