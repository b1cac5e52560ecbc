/* Segfaults in init. The default SIGSEGV disposition is restored first and UBSan is
 * kept out of the function, so the probe child dies from the signal even in
 * sanitizer builds (which otherwise catch the fault and exit with a status). */
#include <quarry/plugin.h>

#include <signal.h>

static int* volatile nowhere = 0;

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}

__attribute__((no_sanitize("undefined"))) QUARRY_EXPORT quarry_status
quarry_plugin_init_v1(const quarry_host_v1* host, const quarry_plugin_v1** out, char* error,
                      uint64_t error_capacity) {
  (void)host, (void)out, (void)error, (void)error_capacity;
  signal(SIGSEGV, SIG_DFL);
  *nowhere = 42;
  return QUARRY_OK;
}
