/* A well-behaved test plugin with two tools:
 *   echo  - returns its arguments (text and structuredContent) plus the variant and
 *           how often init ran;
 *   count - reports progress for `steps` steps, stops with QUARRY_CANCELLED when
 *           cancelled, and is also a (stateless) streaming stage.
 * Built twice: GOOD_VARIANT=1 (default) and GOOD_VARIANT=2 (for replacement tests). */
#include <quarry/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GOOD_VARIANT
#define GOOD_VARIANT 1
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

static int init_count = 0;

static quarry_status echo_call(void* plugin_data, const quarry_call_v1* call, const char* args,
                               uint64_t size) {
  (void)plugin_data;
  size_t cap = (size_t)size * 2 + 256;
  char* json = malloc(cap);
  if (!json) return QUARRY_OUT_OF_MEMORY;
  int n = snprintf(json, cap,
                   "{\"content\":[{\"type\":\"text\",\"text\":\"variant %d\"}],"
                   "\"structuredContent\":{\"variant\":%d,\"inits\":%d,\"args\":%.*s}}",
                   GOOD_VARIANT, GOOD_VARIANT, init_count, (int)size, args);
  quarry_status status = call->set_result(call->call_data, json, (uint64_t)n);
  free(json);
  return status;
}

static quarry_status count_call(void* plugin_data, const quarry_call_v1* call, const char* args,
                                uint64_t size) {
  (void)plugin_data;
  (void)size;
  const char* steps_at = strstr(args, "\"steps\":");
  long steps = steps_at ? strtol(steps_at + 8, NULL, 10) : 3;
  static const char kLog[] = "\"counting\"";
  call->log(call->call_data, QUARRY_LOG_WARNING, kLog, sizeof kLog - 1);
  for (long i = 0; i < steps; ++i) {
    if (call->is_cancelled(call->call_data)) {
      static const char kMessage[] = "count was cancelled";
      call->set_error(call->call_data, kMessage, sizeof kMessage - 1);
      return QUARRY_CANCELLED;
    }
    call->progress(call->call_data, (double)(i + 1), i == 0 ? -1.0 : (double)steps, "step", 4);
  }
  char json[128];
  int n =
      snprintf(json, sizeof json, "{\"content\":[{\"type\":\"text\",\"text\":\"%ld\"}]}", steps);
  return call->set_result(call->call_data, json, (uint64_t)n);
}

static quarry_status stage_open(void* plugin_data, const quarry_call_v1* call, const char* args,
                                uint64_t size, const struct ArrowSchema* input, void** state) {
  (void)plugin_data, (void)call, (void)args, (void)size, (void)input, (void)state;
  return QUARRY_UNSUPPORTED;
}
static quarry_status stage_consume(void* state, const quarry_call_v1* call,
                                   const struct ArrowArray* chunk,
                                   const struct ArrowSchema* schema) {
  (void)state, (void)call, (void)chunk, (void)schema;
  return QUARRY_UNSUPPORTED;
}
static quarry_status stage_finish(void* state, const quarry_call_v1* call) {
  (void)state, (void)call;
  return QUARRY_UNSUPPORTED;
}
static void stage_close(void* state) {
  (void)state;
}

static const quarry_stage_v1 count_stage = {sizeof(quarry_stage_v1),
                                            QUARRY_STAGE_STATELESS,
                                            stage_open,
                                            stage_consume,
                                            NULL,
                                            NULL,
                                            stage_finish,
                                            stage_close,
                                            NULL,
                                            NULL};

static const quarry_tool_v1 echo_tool = {
    sizeof(quarry_tool_v1),
    "echo",
    "Echo",
    "Returns its arguments.",
    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
    "{\"type\":\"object\"}",
    "{\"readOnlyHint\":true}",
    echo_call,
    NULL};

static const quarry_tool_v1 count_tool = {sizeof(quarry_tool_v1),
                                          "count",
                                          NULL,
                                          "Counts to `steps`, reporting progress.",
                                          "{\"type\":\"object\"}",
                                          NULL,
                                          NULL,
                                          count_call,
                                          &count_stage};

static const quarry_tool_v1* const tools[] = {&echo_tool, &count_tool};

static const quarry_plugin_v1 plugin = {sizeof(quarry_plugin_v1),
                                        "good",
                                        STR(GOOD_VARIANT) ".0.0",
                                        "A well-behaved test plugin",
                                        2,
                                        tools,
                                        NULL};

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** out, char* error,
                                                  uint64_t error_capacity) {
  (void)error, (void)error_capacity;
  static const char kHello[] = "good plugin initialised";
  host->log(host->host_data, QUARRY_LOG_DEBUG, kHello, sizeof kHello - 1);
  ++init_count;
  *out = &plugin;
  return QUARRY_OK;
}
