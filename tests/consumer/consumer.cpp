// An outside program that links an installed convt: it checks a
// configuration of its own against a direct loop, and that bad input throws.
#include <cmath>
#include <cstdio>
#include <vector>

#include "convt/convt.h"

int main() {
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
    max_err = std::fmax(max_err, std::fabs(out.data()[i] - ref[i]));
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
