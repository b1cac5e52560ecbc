/* Quarry plugin ABI, major version 1.
 *
 * This header is the whole contract between the Quarry host and a plugin
 * (a shared library). Only C crosses it: fixed-width integers, UTF-8 strings
 * with explicit lengths or NUL terminators, opaque handles and function
 * pointers. No C++ types, no exceptions, no allocator mixing.
 *
 * Lifecycle
 *   1. The host dlopens the library (RTLD_NOW | RTLD_NODELETE) and never
 *      unloads it, so static strings and function pointers stay valid for the
 *      life of the process.
 *   2. It calls quarry_plugin_abi_version(). A plugin whose major differs from
 *      the host's is refused with a message naming both versions. A plugin
 *      built against 1.x loads in every host 1.y (minor versions only add).
 *   3. It calls quarry_plugin_init_v1(host, &plugin) once. The plugin returns a
 *      pointer to a static (or plugin-owned, never freed) quarry_plugin_v1.
 *   4. Tools are called, possibly from many threads at once.
 *
 * Evolution rules
 *   - Every struct starts with `uint32_t struct_size` (sizeof as the producer
 *     compiled it). Structs only grow at the end. A reader checks
 *     struct_size >= offsetof(field) + sizeof(field) before reading a field
 *     added after 1.0, and NULL-checks optional function pointers.
 *   - Enum values are never renumbered; new values are added.
 *
 * Ownership
 *   - Strings passed INTO a callback or entry point are borrowed for the
 *     duration of that call only. Copy what you keep.
 *   - Strings the plugin passes OUT are either static in the plugin, or handed
 *     over through a host callback that copies them before returning.
 *   - Nothing is freed on the other side of the boundary, except through a
 *     `release` callback owned by the producer (Arrow C Data Interface rules). */
#ifndef QUARRY_PLUGIN_H
#define QUARRY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "quarry/arrow_c_data.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QUARRY_ABI_MAJOR 1
#define QUARRY_ABI_MINOR 2
/* Packs a version as returned by quarry_plugin_abi_version(). */
#define QUARRY_ABI_PACK(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor)&0xffffu))
#define QUARRY_ABI_VERSION QUARRY_ABI_PACK(QUARRY_ABI_MAJOR, QUARRY_ABI_MINOR)

#if defined(_WIN32)
#define QUARRY_EXPORT __declspec(dllexport)
#else
#define QUARRY_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes returned by every plugin entry point. */
typedef int32_t quarry_status;
#define QUARRY_OK 0
#define QUARRY_ERROR 1            /* failure; the message was reported via set_error */
#define QUARRY_INVALID_ARGUMENT 2 /* the arguments or data do not fit the tool */
#define QUARRY_CANCELLED 3        /* stopped because is_cancelled() returned non-zero */
#define QUARRY_OUT_OF_MEMORY 4    /* allocation failed or the memory budget was exceeded */
#define QUARRY_IO_ERROR 5         /* a file or device failed */
#define QUARRY_UNSUPPORTED 6      /* the operation is not implemented by this tool */

/* Log levels for quarry_host_v1.log and quarry_call_v1.log (MCP levels). */
typedef int32_t quarry_log_level;
#define QUARRY_LOG_DEBUG 0
#define QUARRY_LOG_INFO 1
#define QUARRY_LOG_NOTICE 2
#define QUARRY_LOG_WARNING 3
#define QUARRY_LOG_ERROR 4

/* Services the host offers for the plugin's whole life. Owned by the host,
 * valid until the process ends. */
typedef struct quarry_host_v1 {
  uint32_t struct_size;
  uint32_t abi_version; /* the host's QUARRY_ABI_VERSION */
  /* Opaque host pointer; pass it back as the first argument of callbacks. */
  void* host_data;
  /* Writes a line to the host log (stderr, never stdout). `message` is
   * borrowed for the call; `size` bytes of UTF-8, no NUL needed. Thread-safe. */
  void (*log)(void* host_data, quarry_log_level level, const char* message, uint64_t size);
} quarry_host_v1;

/* One running call, as the plugin sees it. Owned by the host; valid only for
 * the duration of the entry point it is passed to. All callbacks are
 * thread-safe and may be called from threads the plugin starts, as long as
 * they return before the entry point does. */
typedef struct quarry_call_v1 {
  uint32_t struct_size;
  void* call_data; /* opaque; pass back as the first argument */
  /* Non-zero once the client cancelled or the deadline passed. Long work
   * should check it every few milliseconds and return QUARRY_CANCELLED. */
  int32_t (*is_cancelled)(void* call_data);
  /* Reports progress: `done` of `total` units (total < 0 when unknown), with an
   * optional message (`message` may be NULL; borrowed; `size` bytes). */
  void (*progress)(void* call_data, double done, double total, const char* message, uint64_t size);
  /* Sends a log message to the client. `json_data` is any JSON value (borrowed,
   * `size` bytes); a plain string must be JSON-quoted. */
  void (*log)(void* call_data, quarry_log_level level, const char* json_data, uint64_t size);
  /* Sets the call's result: a JSON object in MCP CallToolResult form
   * {"content":[…], "structuredContent":{…}?, "isError":bool?}. The host copies
   * it before returning. The last call wins. Returns QUARRY_OK, or
   * QUARRY_INVALID_ARGUMENT when the JSON cannot be parsed. */
  quarry_status (*set_result)(void* call_data, const char* json, uint64_t size);
  /* Sets the error message that accompanies a non-OK status; the host copies
   * it. Say what went wrong and what the user can do about it. */
  void (*set_error)(void* call_data, const char* message, uint64_t size);
  /* Memory the call may use for its own buffers, in bytes; 0 when no budget
   * applies. Stages that keep rows (ACCUMULATE, exact quantiles, group-by
   * tables) must stay within it: fall back to a bounded method, or fail with
   * QUARRY_OUT_OF_MEMORY and a message naming the budget. */
  uint64_t memory_budget_bytes;
  /* Since 1.1: QUARRY_CALL_* bits describing this call; 0 when none apply. */
  uint32_t flags;
  /* Since 1.2: an existing directory where the call may put temporary files
   * (a stage that spills past its memory budget), NUL-terminated, borrowed for
   * the entry point; NULL when the host offers none. The host removes nothing
   * there: create files without a name (O_TMPFILE) or unlink them at once. */
  const char* scratch_directory;
} quarry_call_v1;

/* quarry_call_v1.flags bits (since 1.1). */
/* Set on the consume/transform call of the input's last chunk. ORDERED and
 * ACCUMULATE stages see it on their last call, so a transforming stage that
 * holds rows back (a resampling bucket, a look-ahead) emits them then. Stages
 * of other modes may see it before other chunks. Not set when the input has
 * no chunks at all. */
#define QUARRY_CALL_FINAL_CHUNK 0x1u

/* How a streaming stage may be scheduled by the executor. */
typedef int32_t quarry_stage_mode;
#define QUARRY_STAGE_STATELESS 0  /* each chunk alone; chunks run in parallel */
#define QUARRY_STAGE_MERGEABLE 1  /* partial states in parallel, merged at the end */
#define QUARRY_STAGE_ORDERED 2    /* one state, chunks in sequence order */
#define QUARRY_STAGE_ACCUMULATE 3 /* needs whole columns; the host enforces the budget */

/* A tool that can also run as a pipeline stage over Arrow chunks. All
 * function pointers except `merge` (required for MERGEABLE) and `transform`
 * (NULL for terminal analyses that emit no rows) are required. */
typedef struct quarry_stage_v1 {
  uint32_t struct_size;
  quarry_stage_mode mode;
  /* Creates a state for one run. MERGEABLE stages get several (one per
   * chunk), which the host merges in an order fixed by the chunks' positions,
   * never by timing, so a run gives the same result every time.
   * `args_json` (borrowed) was validated against the tool's input schema;
   * `input` (borrowed, a struct-typed schema with one child per column)
   * describes the chunks to come. On success *state is the plugin's until
   * close(). */
  quarry_status (*open)(void* plugin_data, const quarry_call_v1* call, const char* args_json,
                        uint64_t args_size, const struct ArrowSchema* input, void** state);
  /* Consumes one chunk. `chunk` is borrowed: it stays owned by the host and is
   * valid only during the call. For transforming stages, `transform` is used
   * instead (or as well). */
  quarry_status (*consume)(void* state, const quarry_call_v1* call, const struct ArrowArray* chunk,
                           const struct ArrowSchema* schema);
  /* Optional: turns a borrowed input chunk into an output chunk. On success the
   * plugin has filled *out_chunk and *out_schema (the host becomes their owner
   * and calls their release). Must produce exactly one output per input, even
   * an empty one. */
  quarry_status (*transform)(void* state, const quarry_call_v1* call,
                             const struct ArrowArray* chunk, const struct ArrowSchema* schema,
                             struct ArrowArray* out_chunk, struct ArrowSchema* out_schema);
  /* MERGEABLE only: folds `other` into `state`. `other` stays the plugin's and
   * is closed by the host afterwards. `other` always holds rows that come after
   * all of `state`'s in the input (the host folds the per-chunk states from the
   * first chunk on), so order-dependent results such as first/last values are
   * well defined. */
  quarry_status (*merge)(void* state, void* other, const quarry_call_v1* call);
  /* Finishes the run: reports the result through call->set_result. */
  quarry_status (*finish)(void* state, const quarry_call_v1* call);
  /* Frees the state. Called exactly once per successful open(), even after a
   * failure or cancellation. */
  void (*close)(void* state);
  /* Since 1.1, optional (NULL for one pass). A consume-only stage (MERGEABLE or
   * ORDERED, no transform) the host runs over the whole input first, for what
   * must be known before the first row can be processed (a mean, quantiles,
   * where each key last occurs). The host opens it with this tool's arguments,
   * feeds it every chunk (as this stage would see them), merges its states,
   * calls its finish (any result is ignored), and then opens this stage with
   * open_second_pass instead of open. Owned by the plugin, static storage. */
  const struct quarry_stage_v1* first_pass;
  /* Since 1.1, required when first_pass is set: like open, plus the finished
   * first-pass state (`first_pass_state`, borrowed: the host closes it after
   * every state of this stage is closed). Several states of this stage (one per
   * worker) may read it at the same time: treat it as read-only. */
  quarry_status (*open_second_pass)(void* plugin_data, const quarry_call_v1* call,
                                    const char* args_json, uint64_t args_size,
                                    const struct ArrowSchema* input, const void* first_pass_state,
                                    void** state);
  /* Since 1.1, optional (NULL: the first pass always runs). Whether a call with
   * these arguments (`args_json`, borrowed, validated) needs the first pass;
   * non-zero when it does. When it returns 0 the host skips the extra read and
   * opens the stage with `open`. Must not fail or have effects. */
  int32_t (*needs_first_pass)(void* plugin_data, const char* args_json, uint64_t args_size);
} quarry_stage_v1;

/* One tool. Owned by the plugin; must stay valid for the life of the process
 * (static storage is typical). */
typedef struct quarry_tool_v1 {
  uint32_t struct_size;
  /* ^[a-zA-Z0-9_-]{1,64}$, unique across all plugins; NUL-terminated. */
  const char* name;
  const char* title;       /* human-readable; may be NULL */
  const char* description; /* what it does and when to use it; required */
  /* JSON Schema (a JSON object as text) of the call arguments. Required. With
   * `properties` and no `additionalProperties` (or false), the host refuses
   * arguments it does not name, suggesting the nearest; declare
   * "additionalProperties": true to take others. */
  const char* input_schema;
  /* JSON Schema of structuredContent, or NULL when the tool returns none. */
  const char* output_schema;
  /* MCP ToolAnnotations as a JSON object, or NULL. */
  const char* annotations;
  /* Runs the tool once on `args_json` (borrowed; validated against
   * input_schema). Reports the result with call->set_result and returns
   * QUARRY_OK; on failure calls call->set_error and returns another status.
   * May be called concurrently from several threads. */
  quarry_status (*call)(void* plugin_data, const quarry_call_v1* call, const char* args_json,
                        uint64_t args_size);
  /* Streaming stage entry points, or NULL when the tool is call-only. */
  const quarry_stage_v1* stage;
} quarry_tool_v1;

/* What a plugin is. Owned by the plugin, valid for the life of the process. */
typedef struct quarry_plugin_v1 {
  uint32_t struct_size;
  const char* name;        /* short identifier, e.g. "stats"; NUL-terminated */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* description; /* one line */
  uint32_t tool_count;
  /* tool_count pointers to tools (pointers, so quarry_tool_v1 can grow). */
  const quarry_tool_v1* const* tools;
  /* Opaque plugin state passed to every tool entry point. */
  void* plugin_data;
} quarry_plugin_v1;

/* ---- Entry symbols every plugin exports ---------------------------------- */

/* Returns QUARRY_ABI_VERSION as the plugin was compiled. The name carries no
 * major so hosts of any major can ask it. Must not allocate or have effects. */
QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void);

/* Initialises the plugin for ABI major 1. `host` is valid for the life of the
 * process. On success sets *plugin and returns QUARRY_OK. On failure writes a
 * NUL-terminated message of at most `error_capacity` bytes (including the NUL)
 * into `error` and returns another status. Called once. */
QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** plugin, char* error,
                                                  uint64_t error_capacity);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_PLUGIN_H */
