/* Compile-only proof that the current ABI headers are pure, warning-free C99
 * (built with -std=c99 -pedantic-errors -Wall -Wextra -Werror as an OBJECT
 * library; nothing runs). It touches every type so none is skipped. */
#include <stddef.h>

#include "quarry/arrow_c_data.h"
#include "quarry/plugin.h"

/* C99 has no _Static_assert: a negative array size fails the build instead. */
#define HEADER_C99_ASSERT(name, cond) typedef char header_c99_assert_##name[(cond) ? 1 : -1]

HEADER_C99_ASSERT(struct_size_first_host, offsetof(quarry_host_v1, struct_size) == 0);
HEADER_C99_ASSERT(struct_size_first_call, offsetof(quarry_call_v1, struct_size) == 0);
HEADER_C99_ASSERT(struct_size_first_stage, offsetof(quarry_stage_v1, struct_size) == 0);
HEADER_C99_ASSERT(struct_size_first_tool, offsetof(quarry_tool_v1, struct_size) == 0);
HEADER_C99_ASSERT(struct_size_first_plugin, offsetof(quarry_plugin_v1, struct_size) == 0);
HEADER_C99_ASSERT(abi_major_is_1, QUARRY_ABI_MAJOR == 1);
HEADER_C99_ASSERT(abi_pack,
                  QUARRY_ABI_VERSION == ((uint32_t)QUARRY_ABI_MAJOR << 16 | QUARRY_ABI_MINOR));

size_t header_c99_sizes(void);

size_t header_c99_sizes(void) {
  struct ArrowSchema schema;
  struct ArrowArray array;
  struct ArrowArrayStream stream;
  quarry_host_v1 host;
  quarry_call_v1 call;
  quarry_stage_v1 stage;
  quarry_tool_v1 tool;
  quarry_plugin_v1 plugin;
  quarry_status status = QUARRY_OK;
  quarry_log_level level = QUARRY_LOG_INFO;
  quarry_stage_mode mode = QUARRY_STAGE_STATELESS;
  (void)status;
  (void)level;
  (void)mode;
  return sizeof schema + sizeof array + sizeof stream + sizeof host + sizeof call + sizeof stage +
         sizeof tool + sizeof plugin;
}
