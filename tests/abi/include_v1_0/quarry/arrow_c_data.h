/* The Arrow C Data Interface: the standard struct layout for columnar data
 * crossing a C boundary, written from the public Apache Arrow specification
 * ("The Arrow C data interface"). Projects may each carry a copy; the guard
 * below is the one the specification prescribes, so copies never clash.
 *
 * Ownership in one paragraph: the producer fills a struct and sets `release`.
 * Whoever holds the struct owns it and must call `release` exactly once
 * (release marks the struct released by setting `release` to NULL). Moving a
 * struct = bitwise copy into the destination, then set the source's `release`
 * to NULL. Children and dictionary are released by their parent's release. */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

/* The type of an array: a format string ("l" int64, "g" float64, "b" bool,
 * "u" utf8, "tsu:" timestamp[us], "+s" struct …), a name and children. */
struct ArrowSchema {
  const char* format;   /* owned by the producer, valid until release */
  const char* name;     /* owned by the producer; may be NULL */
  const char* metadata; /* binary key/value encoding; may be NULL */
  int64_t flags;        /* ARROW_FLAG_* bits */
  int64_t n_children;
  struct ArrowSchema** children; /* n_children pointers, owned by the producer */
  struct ArrowSchema* dictionary; /* may be NULL */
  /* Releases everything above; sets release to NULL. Called by the owner. */
  void (*release)(struct ArrowSchema*);
  void* private_data; /* the producer's; consumers never touch it */
};

/* The data of an array: buffers laid out as the schema's format says. */
struct ArrowArray {
  int64_t length;
  int64_t null_count; /* -1 when not computed */
  int64_t offset;     /* logical start within the buffers */
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers; /* n_buffers pointers (validity bitmap first; may be NULL) */
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  /* Releases the buffers and children; sets release to NULL. Called by the owner. */
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#ifdef __cplusplus
}
#endif

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

#ifdef __cplusplus
extern "C" {
#endif

/* A pull-based stream of arrays sharing one schema. */
struct ArrowArrayStream {
  /* Fills *out with the stream's schema (caller owns it). Returns 0 or an errno. */
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  /* Fills *out with the next array; at the end *out->release is NULL. 0 or errno. */
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  /* The message of the last error, valid until the next call; may be NULL. */
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#ifdef __cplusplus
}
#endif

#endif /* ARROW_C_STREAM_INTERFACE */
