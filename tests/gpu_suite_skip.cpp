// Lets a whole suite run on a GPU kernel (CONVT_HOST_KERNEL=cuda sends host
// tensors to the CUDA kernel, as does a build without a CPU kernel). Where no CUDA device is usable
// the binary prints the reason and exits with kSkipExitCode, which CTest reports as skipped
// (SKIP_RETURN_CODE): never passed without running.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "convt/convt.h"

namespace {

constexpr int kSkipExitCode = 77;  // tests/CMakeLists.txt: SKIP_RETURN_CODE

class CudaSuiteEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    // Host tensors need the GPU when CONVT_HOST_KERNEL=cuda, or in a build
    // without a CPU kernel (CONVT_TARGETS=cuda).
    const char *kernel = std::getenv("CONVT_HOST_KERNEL");
    const bool on_cuda = kernel != nullptr && std::strcmp(kernel, "cuda") == 0;
    const bool no_cpu_kernel =
        kernel == nullptr && std::strcmp(convt::cpu_kernel_name(), "none") == 0;
    if (!on_cuda && !no_cpu_kernel) return;
    std::string reason;
    if (!convt::cuda_available(&reason)) {
      std::fprintf(stderr, "skipped: host tensors run on CUDA here, but no CUDA device: %s\n",
                   reason.c_str());
      std::exit(kSkipExitCode);
    }
  }
};

[[maybe_unused]] testing::Environment *const kEnvironment =
    testing::AddGlobalTestEnvironment(new CudaSuiteEnvironment);

}  // namespace
