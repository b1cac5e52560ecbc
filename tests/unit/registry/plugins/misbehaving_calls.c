/* A valid plugin whose tools misbehave at call time:
 *   invalid_result - sets a result that is not JSON;
 *   no_message     - fails without calling set_error;
 *   no_result      - succeeds without setting a result;
 *   with_message   - fails with a message;
 *   flagged_error  - succeeds with an isError result. */
#include <quarry/plugin.h>

static quarry_status invalid_result(void* d, const quarry_call_v1* call, const char* a,
                                    uint64_t s) {
  (void)d, (void)a, (void)s;
  static const char kText[] = "{\"content\": [ oops";
  return call->set_result(call->call_data, kText, sizeof kText - 1) == QUARRY_INVALID_ARGUMENT
             ? QUARRY_OK
             : QUARRY_ERROR;
}
static quarry_status no_message(void* d, const quarry_call_v1* call, const char* a, uint64_t s) {
  (void)d, (void)call, (void)a, (void)s;
  return QUARRY_IO_ERROR;
}
static quarry_status no_result(void* d, const quarry_call_v1* call, const char* a, uint64_t s) {
  (void)d, (void)call, (void)a, (void)s;
  return QUARRY_OK;
}
static quarry_status with_message(void* d, const quarry_call_v1* call, const char* a, uint64_t s) {
  (void)d, (void)a, (void)s;
  static const char kText[] = "column 'x' is missing; pass one of: a, b";
  call->set_error(call->call_data, kText, sizeof kText - 1);
  return QUARRY_INVALID_ARGUMENT;
}
static quarry_status flagged_error(void* d, const quarry_call_v1* call, const char* a, uint64_t s) {
  (void)d, (void)a, (void)s;
  static const char kText[] =
      "{\"content\":[{\"type\":\"text\",\"text\":\"nope\"}],\"isError\":true}";
  return call->set_result(call->call_data, kText, sizeof kText - 1);
}

#define TOOL(fn)                                                    \
  static const quarry_tool_v1 fn##_tool = {sizeof(quarry_tool_v1),  \
                                           #fn,                     \
                                           NULL,                    \
                                           "Misbehaves.",           \
                                           "{\"type\":\"object\"}", \
                                           NULL,                    \
                                           NULL,                    \
                                           fn,                      \
                                           NULL};
TOOL(invalid_result)
TOOL(no_message)
TOOL(no_result)
TOOL(with_message)
TOOL(flagged_error)

static const quarry_tool_v1* const tools[] = {&invalid_result_tool, &no_message_tool,
                                              &no_result_tool, &with_message_tool,
                                              &flagged_error_tool};
static const quarry_plugin_v1 plugin = {
    sizeof(quarry_plugin_v1), "misbehaving", "0.1", "Misbehaves at call time", 5, tools, NULL};

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** out, char* error,
                                                  uint64_t error_capacity) {
  (void)host, (void)error, (void)error_capacity;
  *out = &plugin;
  return QUARRY_OK;
}
