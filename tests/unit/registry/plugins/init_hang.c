/* Never returns from init. */
#include <quarry/plugin.h>

#include <unistd.h>

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** out, char* error,
                                                  uint64_t error_capacity) {
  (void)host, (void)out, (void)error, (void)error_capacity;
  for (;;) sleep(1000);
}
