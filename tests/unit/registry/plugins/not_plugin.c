/* A shared library that is not a Quarry plugin. */
int not_a_plugin(void) {
  return 42;
}
