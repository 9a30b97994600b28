#include "reference.h"

#include <cstddef>

namespace convt_test {

int64_t RefParams::h_out() const {
  return (h_in - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + output_padding[0] + 1;
}

int64_t RefParams::w_out() const {
  return (w_in - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + output_padding[1] + 1;
}

std::vector<double> reference_conv_transpose2d(const RefParams &p, const std::vector<float> &input,
                                               const std::vector<float> &weight,
                                               const std::vector<float> &bias) {
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t cin_g = p.c_in / p.groups, cout_g = p.c_out / p.groups;
  std::vector<double> out(static_cast<std::size_t>(p.n * p.c_out * ho * wo), 0.0);
  for (int64_t n = 0; n < p.n; ++n) {
    for (int64_t co = 0; co < p.c_out; ++co) {
      const double b = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(co)];
      for (int64_t i = 0; i < ho * wo; ++i)
        out[static_cast<std::size_t>((n * p.c_out + co) * ho * wo + i)] = b;
    }
    for (int64_t ci = 0; ci < p.c_in; ++ci) {
      const int64_t g = ci / cin_g;
      for (int64_t iy = 0; iy < p.h_in; ++iy) {
        for (int64_t ix = 0; ix < p.w_in; ++ix) {
          const double v =
              input[static_cast<std::size_t>(((n * p.c_in + ci) * p.h_in + iy) * p.w_in + ix)];
          for (int64_t col = 0; col < cout_g; ++col) {
            const int64_t co = g * cout_g + col;
            for (int64_t ky = 0; ky < p.kh; ++ky) {
              const int64_t oy = iy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
              if (oy < 0 || oy >= ho) continue;
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t ox = ix * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (ox < 0 || ox >= wo) continue;
                const double w =
                    weight[static_cast<std::size_t>(((ci * cout_g + col) * p.kh + ky) * p.kw + kx)];
                out[static_cast<std::size_t>(((n * p.c_out + co) * ho + oy) * wo + ox)] += v * w;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace convt_test
