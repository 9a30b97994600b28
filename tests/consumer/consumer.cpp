// An outside program that links an installed convt: it checks the API page's
// example and a configuration of its own against direct loops, and that bad
// input throws.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "convt/convt.h"

namespace {

// The API page's example: ones (1, 6, 32, 32) with ones (6, 3, 5, 5). Each
// output pixel is 6 x (taps landing on it along y) x (along x).
bool page_example_ok() {
  const convt::Tensor out = convt::conv_transpose2d(convt::Tensor::full({1, 6, 32, 32}, 1.0f),
                                                    convt::Tensor::full({6, 3, 5, 5}, 1.0f));
  if (out.shape() != convt::Shape{1, 3, 36, 36}) {
    std::printf("page example: wrong shape %s\n", convt::shape_to_string(out.shape()).c_str());
    return false;
  }
  auto taps = [](int o) {
    int count = 0;
    for (int k = 0; k < 5; ++k) count += (o - k >= 0 && o - k < 32) ? 1 : 0;
    return count;
  };
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 36; ++y)
      for (int x = 0; x < 36; ++x) {
        const float want = static_cast<float>(6 * taps(y) * taps(x));
        if (out.at({0, c, y, x}) != want) {
          std::printf("page example: (0, %d, %d, %d) is %g, want %g\n", c, y, x,
                      out.at({0, c, y, x}), want);
          return false;
        }
      }
  std::printf("page example ok: (1, 3, 36, 36), centre %.0f, corner %.0f\n", out.at({0, 0, 18, 18}),
              out.at({0, 0, 0, 0}));
  return true;
}

}  // namespace

int main() {
  if (std::strcmp(convt::cpu_kernel_name(), "none") == 0 && !convt::cuda_available()) {
    std::printf("skipped: a GPU-only convt needs a CUDA device\n");
    return 77;  // tests/CMakeLists.txt: SKIP_RETURN_CODE
  }
  if (!page_example_ok()) return 1;
  // input (2, 4, 5, 6), weight (4, 3, 3, 3), stride 2, padding 1, output_padding 1.
  const int n = 2, ci = 4, h = 5, w = 6, co = 3, k = 3, s = 2, p = 1, op = 1;
  std::vector<float> x(n * ci * h * w), wt(ci * co * k * k), b(co);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 37) % 11) / 11.0f - 0.4f;
  for (size_t i = 0; i < wt.size(); ++i) wt[i] = static_cast<float>((i * 17) % 7) / 7.0f - 0.3f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = 0.25f * static_cast<float>(i);
  const convt::Tensor out =
      convt::conv_transpose2d(convt::ConstTensorView(x.data(), {n, ci, h, w}),
                              convt::ConstTensorView(wt.data(), {ci, co, k, k}),
                              convt::ConstTensorView(b.data(), {co}), s, p, op);
  const int ho = (h - 1) * s - 2 * p + k + op, wo = (w - 1) * s - 2 * p + k + op;
  if (out.shape() != convt::Shape{n, co, ho, wo}) {
    std::printf("wrong shape %s\n", convt::shape_to_string(out.shape()).c_str());
    return 1;
  }
  std::vector<double> ref(static_cast<size_t>(n * co * ho * wo));
  for (int a = 0; a < n; ++a)
    for (int o = 0; o < co; ++o)
      for (int i = 0; i < ho * wo; ++i) ref[(a * co + o) * ho * wo + i] = b[o];
  for (int a = 0; a < n; ++a)
    for (int c = 0; c < ci; ++c)
      for (int y = 0; y < h; ++y)
        for (int xx = 0; xx < w; ++xx)
          for (int o = 0; o < co; ++o)
            for (int ky = 0; ky < k; ++ky)
              for (int kx = 0; kx < k; ++kx) {
                const int oy = y * s - p + ky, ox = xx * s - p + kx;
                if (oy < 0 || oy >= ho || ox < 0 || ox >= wo) continue;
                ref[((a * co + o) * ho + oy) * wo + ox] +=
                    double(x[((a * ci + c) * h + y) * w + xx]) *
                    wt[((c * co + o) * k + ky) * k + kx];
              }
  double max_err = 0.0;
  for (size_t i = 0; i < ref.size(); ++i)
    max_err = std::max(max_err, std::fabs(out.data()[i] - ref[i]));
  if (max_err > 1e-5) {
    std::printf("max error %g\n", max_err);
    return 1;
  }
  try {
    convt::conv_transpose2d(convt::ConstTensorView(x.data(), {n, ci, h, w}),
                            convt::ConstTensorView(wt.data(), {ci, co, k, k}), std::nullopt, 2, 0,
                            2);
    std::printf("no error for output_padding 2 with stride 2\n");
    return 1;
  } catch (const convt::ValueError &e) {
    std::printf("ValueError as expected: %s\n", e.what());
  }
  std::printf("consumer ok: shape %s, max error %.2g, kernel %s\n",
              convt::shape_to_string(out.shape()).c_str(), max_err, convt::cpu_kernel_name());
  return 0;
}
