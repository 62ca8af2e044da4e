// Process-wide runtime: errors, version, threads, seeds, grad mode.
#include "nl_api.h"
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>
#include <dlfcn.h>
#include <malloc.h>
#include <mutex>
#include <torch/csrc/api/include/torch/version.h>

NL_EXPORT void nl_error_free(char* e) { std::free(e); }

// Keep freed memory in the process instead of handing it back to the kernel after every op. Our ops run on a .NET
// thread-pool thread (a glibc per-thread arena), where glibc's adaptive thresholds kept returning buffers to the
// kernel: measured on LeNet-5 training, 22–900 page faults per step (each a zeroed 4 KiB page) against PyTorch's ~0 on
// its main thread. With every allocation below 32 MiB served from the heap and trimming only above 256 MiB of free top
// memory: ~4 faults per step. Tensor buffers of 16 KiB and more now go through the caching allocator
// (nl_allocator.cpp); this still serves the small ones and libraries' own allocations. Peak RSS is unchanged (the
// memory is reused, not added). Set once when the library loads.
__attribute__((constructor)) static void nl_tune_allocator() {
  if (std::getenv("NORMLAB_GLIBC_MALLOC_DEFAULTS") != nullptr) return;  // the escape hatch, to measure the difference
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

NL_EXPORT const char* nl_version() { return "normlab-native 1 (libtorch " TORCH_VERSION ")"; }

NL_EXPORT int nl_set_num_threads(int n, char** err) {
  NL_GUARD(0, at::set_num_threads(n); return 1;)
}

NL_EXPORT int nl_get_num_threads() { return at::get_num_threads(); }

// OpenBLAS spawns its own thread pool next to libtorch's OpenMP pool; measured here, the two fighting made LeNet ~3x
// slower. We look the symbol up at run time because the active libblas.so.3 may be the reference BLAS (no such symbol).
NL_EXPORT int nl_openblas_set_num_threads(int n) {
  using fn_t = void (*)(int);
  // libblas.so.3 arrives as a dependency of libtorch_cpu, loaded RTLD_LOCAL by .NET, so RTLD_DEFAULT does not see its
  // symbols: ask the already-loaded libraries directly (RTLD_NOLOAD never loads anything new).
  for (const char* lib : {"libblas.so.3", "libopenblas.so.0", "libopenblas.so"}) {
    void* h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);
    if (!h) continue;
    auto fn = reinterpret_cast<fn_t>(dlsym(h, "openblas_set_num_threads"));
    dlclose(h);
    if (fn) {
      fn(n);
      return 1;
    }
  }
  auto fn = reinterpret_cast<fn_t>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!fn) return 0;
  fn(n);
  return 1;
}

NL_EXPORT int nl_manual_seed(uint64_t seed, char** err) {
  NL_GUARD(0, {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
    return 1;
  })
}

NL_EXPORT int nl_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

NL_EXPORT void nl_set_grad_enabled(int enabled) { c10::GradMode::set_enabled(enabled != 0); }
