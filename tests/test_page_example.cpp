// The API page's example: ones (1, 6, 32, 32) with ones (6, 3, 5, 5).
#include <gtest/gtest.h>

#include "convt/convt.h"

namespace {

// Taps of a 5-wide kernel (stride 1, no padding) that land on output index o
// of a 36-wide output from a 32-wide input.
int taps_1d(int o) {
  int count = 0;
  for (int k = 0; k < 5; ++k) count += (o - k >= 0 && o - k < 32);
  return count;
}

TEST(PageExample, ShapeCentreCornerAndEveryPixel) {
  const convt::Tensor x = convt::Tensor::full({1, 6, 32, 32}, 1.0f);
  const convt::Tensor w = convt::Tensor::full({6, 3, 5, 5}, 1.0f);
  const convt::Tensor out = convt::conv_transpose2d(x, w);
  ASSERT_EQ(out.shape(), (convt::Shape{1, 3, 36, 36}));
  EXPECT_EQ(convt::shape_to_string(out.shape()), "(1, 3, 36, 36)");
  EXPECT_EQ(out.at({0, 0, 18, 18}), 150.0f);
  EXPECT_EQ(out.at({0, 0, 0, 0}), 6.0f);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 36; ++y)
      for (int xx = 0; xx < 36; ++xx)
        ASSERT_EQ(out.at({0, c, y, xx}), 6.0f * static_cast<float>(taps_1d(y) * taps_1d(xx)))
            << "at (0, " << c << ", " << y << ", " << xx << ")";
}

TEST(PageExample, OutputShapeFunctionAgrees) {
  EXPECT_EQ(convt::conv_transpose2d_output_shape({1, 6, 32, 32}, {6, 3, 5, 5}),
            (convt::Shape{1, 3, 36, 36}));
}

}  // namespace
