/* LD_PRELOAD helper for lifecycle_test: once quarry has started, write junk to
 * fd 1 the way a careless library would. quarry must have pointed fd 1 at
 * stderr, so none of it may reach the MCP stream. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void* print_noise(void* unused) {
  (void)unused;
  usleep(300 * 1000);
  for (int i = 0; i < 3; ++i) {
    printf("NOISE FROM A LIBRARY %d\n", i);
    fflush(stdout);
  }
  return NULL;
}

__attribute__((constructor)) static void start_noise(void) {
  pthread_t thread;
  if (pthread_create(&thread, NULL, print_noise, NULL) == 0) pthread_detach(thread);
}
