#include "cuda_driver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "HalideRuntimeCuda.h"
#include "gpu_contract.h"

namespace convt::detail {

namespace {

// The few driver entry points used, declared here so no CUDA header is needed.
struct DriverApi {
  int (*cuInit)(unsigned) = nullptr;
  int (*cuDeviceGetCount)(int *) = nullptr;
  int (*cuCtxGetCurrent)(void **) = nullptr;
  int (*cuDevicePrimaryCtxRetain)(void **, int) = nullptr;
  int (*cuGetErrorString)(int, const char **) = nullptr;
  std::string unavailable;  // empty when usable
  void *primary_context = nullptr;
};

template <typename Fn>
bool load(void *lib, const char *name, Fn *fn) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return *fn != nullptr;
}

std::string error_text(const DriverApi &api, int rc) {
  const char *text = nullptr;
  if (api.cuGetErrorString != nullptr) api.cuGetErrorString(rc, &text);
  return "CUDA error " + std::to_string(rc) +
         (text != nullptr ? std::string(" (") + text + ")" : "");
}

DriverApi probe() {
  DriverApi api;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    api.unavailable = "no CUDA driver: libcuda.so.1 could not be loaded";
    return api;
  }
  if (!load(lib, "cuInit", &api.cuInit) || !load(lib, "cuDeviceGetCount", &api.cuDeviceGetCount) ||
      !load(lib, "cuCtxGetCurrent", &api.cuCtxGetCurrent) ||
      !load(lib, "cuDevicePrimaryCtxRetain", &api.cuDevicePrimaryCtxRetain)) {
    api.unavailable = "the CUDA driver lacks an entry point convt needs";
    return api;
  }
  load(lib, "cuGetErrorString", &api.cuGetErrorString);
  if (const int rc = api.cuInit(0); rc != 0) {
    api.unavailable = "cuInit failed: " + error_text(api, rc);
    return api;
  }
  int count = 0;
  if (const int rc = api.cuDeviceGetCount(&count); rc != 0 || count == 0) {
    api.unavailable = rc != 0 ? "cuDeviceGetCount failed: " + error_text(api, rc)
                              : std::string("the CUDA driver reports no device");
  }
  return api;
}

DriverApi &driver() {
  static DriverApi api = probe();
  return api;
}

int acquire_context(void * /*user_context*/, void **ctx, bool /*create*/) {
  DriverApi &api = driver();
  if (!api.unavailable.empty()) return -1;
  void *current = nullptr;
  if (api.cuCtxGetCurrent(&current) == 0 && current != nullptr) {
    *ctx = current;
    return 0;
  }
  static std::once_flag once;
  std::call_once(once, [&] { api.cuDevicePrimaryCtxRetain(&api.primary_context, 0); });
  *ctx = api.primary_context;
  return api.primary_context != nullptr ? 0 : -1;
}

int release_context(void * /*user_context*/) { return 0; }

}  // namespace

const std::string &cuda_unavailable_reason() { return driver().unavailable; }

void use_callers_cuda_context() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Halide's CUDA runtime compiles each kernel's PTX when first used, with
    // the register cap HL_CUDA_JIT_MAX_REGISTERS names (64 when unset, which
    // would spill the gemm kernel's tiles). A value the caller set is kept.
    setenv("HL_CUDA_JIT_MAX_REGISTERS", std::to_string(convt_gpu::kMaxRegisters).c_str(),
           /*overwrite=*/0);
    halide_set_cuda_acquire_context(acquire_context);
    halide_set_cuda_release_context(release_context);
    // Pool device allocations (phase tables, copies of host tensors) across
    // calls instead of a cuMemAlloc / cuMemFree pair per buffer per call.
    halide_reuse_device_allocations(nullptr, true);
  });
}

}  // namespace convt::detail
