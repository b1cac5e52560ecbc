/* Exports the version symbol but not quarry_plugin_init_v1. */
#include <quarry/plugin.h>

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) {
  return QUARRY_ABI_VERSION;
}
