// Process-wide runtime: errors, versions, threads, seeds.
#include "nl_api.h"
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/csrc/api/include/torch/version.h>

NL_EXPORT void nl_error_free(char* e) { std::free(e); }

NL_EXPORT const char* nl_version() { return "normlab-native 1 (libtorch " TORCH_VERSION ")"; }
