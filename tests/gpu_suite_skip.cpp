// Lets a whole suite run on a GPU kernel (CONVT_HOST_KERNEL=cuda sends host
// tensors to the CUDA kernel). Where no CUDA device is usable the binary
// prints the reason and exits with kSkipExitCode, which CTest reports as
// skipped (SKIP_RETURN_CODE): never passed without running.
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
    const char *kernel = std::getenv("CONVT_HOST_KERNEL");
    if (kernel == nullptr || std::strcmp(kernel, "cuda") != 0) return;
    std::string reason;
    if (!convt::cuda_available(&reason)) {
      std::fprintf(stderr, "skipped: CONVT_HOST_KERNEL=cuda, but no CUDA device: %s\n",
                   reason.c_str());
      std::exit(kSkipExitCode);
    }
  }
};

[[maybe_unused]] testing::Environment *const kEnvironment =
    testing::AddGlobalTestEnvironment(new CudaSuiteEnvironment);

}  // namespace
