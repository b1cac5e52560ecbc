/* A tool whose input_schema is not valid JSON. */
#include <quarry/plugin.h>

static quarry_status call_fn(void* plugin_data, const quarry_call_v1* call, const char* args,
                             uint64_t size) {
  (void)plugin_data, (void)call, (void)args, (void)size;
  return QUARRY_UNSUPPORTED;
}

static const quarry_tool_v1 tool = {sizeof(quarry_tool_v1),
                                    "broken_schema",
                                    NULL,
                                    "Has a broken schema.",
                                    "{\"type\": \"object\", ",
                                    NULL,
                                    NULL,
                                    call_fn,
                                    NULL};
static const quarry_tool_v1* const tools[] = {&tool};
static const quarry_plugin_v1 plugin = {
    sizeof(quarry_plugin_v1), "invalid_schema", "0.1", "Broken", 1, tools, NULL};

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
