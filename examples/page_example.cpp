// The API page's example: ones (1, 6, 32, 32) transposed-convolved with ones
// (6, 3, 5, 5) gives shape (1, 3, 36, 36); each value is 6 x the number of
// taps that land on the pixel (150 in the centre, 6 in the corner).
#include <cstdio>

#include "convt/convt.h"

int main() {
  const convt::Tensor x = convt::Tensor::full({1, 6, 32, 32}, 1.0f);
  const convt::Tensor weight = convt::Tensor::full({6, 3, 5, 5}, 1.0f);
  const convt::Tensor output = convt::conv_transpose2d(x, weight);
  std::printf("%s\n", convt::shape_to_string(output.shape()).c_str());
  std::printf("centre %.0f, corner %.0f (kernel %s)\n", output.at({0, 0, 18, 18}),
              output.at({0, 0, 0, 0}), convt::cpu_kernel_name());
  return 0;
}
