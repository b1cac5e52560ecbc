/* A valid plugin that prints to stdout during init and during calls. */
#include <quarry/plugin.h>

#include <stdio.h>
#include <string.h>

static quarry_status shout_call(void* plugin_data, const quarry_call_v1* call, const char* args,
                                uint64_t size) {
  (void)plugin_data, (void)args, (void)size;
  printf("noisy: shouting on stdout during a call\n");
  fflush(stdout);
  static const char kResult[] = "{\"content\":[{\"type\":\"text\",\"text\":\"shouted\"}]}";
  return call->set_result(call->call_data, kResult, sizeof kResult - 1);
}

static const quarry_tool_v1 shout_tool = {sizeof(quarry_tool_v1),
                                          "shout",
                                          NULL,
                                          "Prints to stdout.",
                                          "{\"type\":\"object\"}",
                                          NULL,
                                          NULL,
                                          shout_call,
                                          NULL};
static const quarry_tool_v1* const tools[] = {&shout_tool};
static const quarry_plugin_v1 plugin = {
    sizeof(quarry_plugin_v1), "noisy", "0.1", "Prints", 1, tools, NULL};

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** out, char* error,
                                                  uint64_t error_capacity) {
  (void)host, (void)error, (void)error_capacity;
  printf("{\"noisy\": \"this is not the probe result\"}\n");
  fflush(stdout);
  *out = &plugin;
  return QUARRY_OK;
}
