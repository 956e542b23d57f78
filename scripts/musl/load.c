/* Loads a Node addon into a musl process, the way Node's process.dlopen does (dlopen with
 * RTLD_NOW, every symbol bound at once, constructors run), and looks up its Node-API entry point.
 * scripts/musl.sh builds it with zig and runs it on each musl build of mylib: no Node for
 * musl can be had here, so this is how far those binaries are loaded. Prints one TAP line. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <addon.node>\n", argv[0]);
    return 2;
  }
  void *addon = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (addon == NULL) {
    printf("not ok - dlopen %s under musl: %s\n", argv[1], dlerror());
    return 1;
  }
  if (dlsym(addon, "napi_register_module_v1") == NULL) {
    printf("not ok - %s: no napi_register_module_v1: %s\n", argv[1], dlerror());
    return 1;
  }
  printf("ok - %s loads under musl's dynamic linker and exports napi_register_module_v1\n", argv[1]);
  return 0;
}
