/* A plugin written in plain C99 against the FROZEN 1.0 copy of the ABI headers
 * (tests/abi/include_v1_0), never the current ones. Loading it in today's host
 * proves that a plugin built against SDK 1.0 still works in every host 1.y.
 *
 * Tools:
 *   abi_frozen_echo      returns its arguments JSON, unchanged, as text content
 *   abi_frozen_progress  reports three progress steps, honouring cancellation
 */
#include <stdlib.h>
#include <string.h>

#include "quarry/plugin.h"

static int frozen_plugin_state = 42; /* passed back as plugin_data */

static void set_error_text(const quarry_call_v1* call, const char* message) {
  call->set_error(call->call_data, message, (uint64_t)strlen(message));
}

/* Appends `size` bytes of `text` to `out` as the body of a JSON string. `out`
 * must have room for 6 * size bytes. Returns the number of bytes written. */
static size_t json_escape(const char* text, uint64_t size, char* out) {
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
  uint64_t i;
  for (i = 0; i < size; ++i) {
    const unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\\') {
      out[n++] = '\\';
      out[n++] = (char)c;
    } else if (c < 0x20) {
      out[n++] = '\\';
      out[n++] = 'u';
      out[n++] = '0';
      out[n++] = '0';
      out[n++] = hex[c >> 4];
      out[n++] = hex[c & 15];
    } else {
      out[n++] = (char)c;
    }
  }
  return n;
}

/* Sets a result holding one text block with `size` bytes of `text`. */
static quarry_status set_text_result(const quarry_call_v1* call, const char* text, uint64_t size) {
  static const char head[] = "{\"content\":[{\"type\":\"text\",\"text\":\"";
  static const char tail[] = "\"}]}";
  quarry_status status;
  size_t n = 0;
  char* json = (char*)malloc(sizeof head + sizeof tail + 6 * (size_t)size);
  if (json == NULL) {
    set_error_text(call, "abi_frozen: out of memory");
    return QUARRY_OUT_OF_MEMORY;
  }
  memcpy(json, head, sizeof head - 1);
  n += sizeof head - 1;
  n += json_escape(text, size, json + n);
  memcpy(json + n, tail, sizeof tail - 1);
  n += sizeof tail - 1;
  status = call->set_result(call->call_data, json, (uint64_t)n);
  free(json);
  return status;
}

static quarry_status echo_call(void* plugin_data, const quarry_call_v1* call, const char* args_json,
                               uint64_t args_size) {
  if (plugin_data != &frozen_plugin_state) {
    set_error_text(call, "abi_frozen_echo: the host passed the wrong plugin_data");
    return QUARRY_ERROR;
  }
  return set_text_result(call, args_json, args_size);
}

static quarry_status progress_call(void* plugin_data, const quarry_call_v1* call,
                                   const char* args_json, uint64_t args_size) {
  static const char* const messages[] = {"step 1 of 3", "step 2 of 3", "step 3 of 3"};
  int step;
  (void)plugin_data;
  (void)args_json;
  (void)args_size;
  for (step = 0; step < 3; ++step) {
    if (call->is_cancelled(call->call_data)) {
      set_error_text(call, "abi_frozen_progress: cancelled");
      return QUARRY_CANCELLED;
    }
    call->progress(call->call_data, (double)(step + 1), 3.0, messages[step],
                   (uint64_t)strlen(messages[step]));
  }
  return set_text_result(call, "done", 4);
}

static const quarry_tool_v1 echo_tool = {
    sizeof(quarry_tool_v1),
    "abi_frozen_echo",
    "Echo (frozen ABI 1.0)",
    "Returns its arguments JSON unchanged as text. Built against the frozen 1.0 headers.",
    "{\"type\":\"object\"}",
    NULL,
    "{\"readOnlyHint\":true}",
    echo_call,
    NULL};

static const quarry_tool_v1 progress_tool = {
    sizeof(quarry_tool_v1),
    "abi_frozen_progress",
    "Progress (frozen ABI 1.0)",
    "Reports three progress steps, then returns \"done\". Built against the frozen 1.0 headers.",
    "{\"type\":\"object\",\"properties\":{}}",
    NULL,
    NULL,
    progress_call,
    NULL};

static const quarry_tool_v1* const frozen_tools[] = {&echo_tool, &progress_tool};

static quarry_plugin_v1 frozen_plugin = {
    sizeof(quarry_plugin_v1),
    "abi_frozen",
    "1.0.0",
    "A plain C plugin built against the frozen ABI 1.0 headers",
    2,
    frozen_tools,
    &frozen_plugin_state};

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** plugin, char* error,
                                                  uint64_t error_capacity) {
  static const char message[] = "abi_frozen: host or plugin pointer is NULL";
  if (host == NULL || plugin == NULL) {
    if (error != NULL && error_capacity > 0) {
      size_t n = sizeof message - 1 < error_capacity - 1 ? sizeof message - 1
                                                         : (size_t)(error_capacity - 1);
      memcpy(error, message, n);
      error[n] = '\0';
    }
    return QUARRY_INVALID_ARGUMENT;
  }
  if (host->log != NULL) {
    static const char hello[] = "abi_frozen: initialised (built against ABI 1.0)";
    host->log(host->host_data, QUARRY_LOG_DEBUG, hello, (uint64_t)(sizeof hello - 1));
  }
  *plugin = &frozen_plugin;
  return QUARRY_OK;
}
