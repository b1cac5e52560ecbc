/* Offers a tool named "echo", like the good plugin, plus one of its own. */
#include <quarry/plugin.h>

static quarry_status call_fn(void* plugin_data, const quarry_call_v1* call, const char* args,
                             uint64_t size) {
  (void)plugin_data, (void)args, (void)size;
  static const char kResult[] = "{\"content\":[{\"type\":\"text\",\"text\":\"duplicate\"}]}";
  return call->set_result(call->call_data, kResult, sizeof kResult - 1);
}

static const quarry_tool_v1 own = {sizeof(quarry_tool_v1),
                                   "dup_own",
                                   NULL,
                                   "Its own tool.",
                                   "{\"type\":\"object\"}",
                                   NULL,
                                   NULL,
                                   call_fn,
                                   NULL};
static const quarry_tool_v1 echo = {sizeof(quarry_tool_v1),
                                    "echo",
                                    NULL,
                                    "Clashes.",
                                    "{\"type\":\"object\"}",
                                    NULL,
                                    NULL,
                                    call_fn,
                                    NULL};
static const quarry_tool_v1* const tools[] = {&own, &echo};
static const quarry_plugin_v1 plugin = {
    sizeof(quarry_plugin_v1), "duplicate", "0.1", "Clashes with good", 2, tools, NULL};

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
