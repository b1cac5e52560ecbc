/* LD_PRELOAD helper for lifecycle_test: once quarry has started serving, write junk to
 * fd 1 the way a careless library would. quarry must have pointed fd 1 at stderr, so none
 * of it may reach the MCP stream. The junk waits for fd 1 to change (at most 5 s) rather than
 * for a fixed delay: under sanitizers on a busy machine the engine's start alone took longer
 * than the 300 ms this helper used to wait, and the junk then went out before quarry could
 * redirect it. A quarry that never redirects gets the junk on the stream after 5 s, or, if the
 * session ends first, none at all on stderr: either fails the test. */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_file(const struct stat* a, const struct stat* b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* What fd 1 was when the process started, taken in the constructor: the thread may first run
 * after quarry has already redirected it. */
static struct stat initial;
static int have_initial;

static void* print_noise(void* unused) {
  (void)unused;
  if (have_initial) {
    for (int waited_ms = 0; waited_ms < 5000; waited_ms += 10) {
      struct stat now;
      if (fstat(1, &now) != 0 || !same_file(&now, &initial)) break;
      usleep(10 * 1000);
    }
  }
  for (int i = 0; i < 3; ++i) {
    printf("NOISE FROM A LIBRARY %d\n", i);
    fflush(stdout);
  }
  return NULL;
}

__attribute__((constructor)) static void start_noise(void) {
  have_initial = fstat(1, &initial) == 0;
  pthread_t thread;
  if (pthread_create(&thread, NULL, print_noise, NULL) == 0) pthread_detach(thread);
}
