#!/usr/bin/env python3
"""Writes tests/golden/: conv_transpose2d results from PyTorch for varied
configurations, so the C++ tests compare against an independent framework
without needing PyTorch themselves.

Run through scripts/make_golden.sh, which provides PyTorch. Output:
  cases.txt  one line per case: name and parameters (see HEADER)
  data.bin   per case, float32 little-endian: input, weight, [bias], output
"""
import pathlib
import struct
import sys

import torch
import torch.nn.functional as F

HEADER = ("# name batched N C_in H W C_out kH kW stride_h stride_w padding_h padding_w "
          "output_padding_h output_padding_w groups dilation_h dilation_w has_bias")

# (name, N or None for unbatched, C_in, H, W, C_out, (kH, kW), stride, padding,
#  output_padding, groups, dilation, bias)
CASES = [
    ("page_example_small", 1, 6, 8, 8, 3, (5, 5), 1, 0, 0, 1, 1, True),
    ("s1_k3_p1", 2, 4, 7, 9, 5, (3, 3), 1, 1, 0, 1, 1, True),
    ("s2_k4_p1_dcgan", 2, 8, 4, 4, 6, (4, 4), 2, 1, 0, 1, 1, False),
    ("s2_k3_p1_op1_cyclegan", 1, 6, 6, 5, 4, (3, 3), 2, 1, 1, 1, 1, True),
    ("s2_k3_op1_enet", 1, 3, 9, 12, 2, (3, 3), 2, 1, 1, 1, 1, True),
    ("s3_k5", 1, 3, 5, 6, 4, (5, 5), 3, 2, 2, 1, 1, True),
    ("s4_k8_p2", 1, 2, 4, 5, 3, (8, 8), 4, 2, 0, 1, 1, True),
    ("s8_k16_fcn_like", 1, 2, 3, 3, 2, (16, 16), 8, 0, 0, 1, 1, False),
    ("stride_pair_2x3", 2, 3, 5, 4, 4, (3, 4), (2, 3), (1, 0), (1, 2), 1, 1, True),
    ("padding_pair", 1, 4, 6, 6, 3, (5, 3), 1, (2, 1), 0, 1, 1, False),
    ("dilation2_s1", 1, 4, 8, 8, 4, (3, 3), 1, 2, 0, 1, 2, True),
    ("dilation3_s2", 1, 3, 5, 6, 2, (3, 3), 2, 1, 1, 1, 3, True),
    ("dilation2_s2_gcd", 1, 2, 6, 5, 3, (4, 3), 2, 0, 1, 1, 2, True),
    ("dilation_pair_s3", 1, 3, 4, 5, 3, (3, 2), 3, (1, 2), (2, 1), 1, (2, 3), False),
    ("op_from_dilation", 1, 2, 5, 5, 2, (3, 3), 1, 0, 1, 1, 2, True),
    ("groups2", 2, 4, 5, 5, 6, (3, 3), 2, 1, 1, 2, 1, True),
    ("groups3", 1, 6, 4, 6, 9, (2, 3), (1, 2), 0, (0, 1), 3, 1, True),
    ("groups4_s2", 2, 8, 4, 4, 8, (4, 4), 2, 1, 0, 4, 1, False),
    ("depthwise", 2, 6, 5, 5, 6, (4, 4), 2, 1, 0, 6, 1, True),
    ("depthwise_mult2", 1, 4, 6, 5, 8, (3, 3), 1, 1, 0, 4, 1, True),
    ("depthwise_dilated", 1, 5, 6, 6, 5, (3, 3), 2, 2, 1, 5, 2, False),
    ("k1x1_s1", 3, 5, 4, 4, 7, (1, 1), 1, 0, 0, 1, 1, True),
    ("k1x1_s2", 1, 4, 4, 3, 3, (1, 1), 2, 0, 1, 1, 1, True),
    ("k1x5_nonsquare", 1, 3, 5, 7, 2, (1, 5), 1, (0, 2), 0, 1, 1, True),
    ("k5x1_nonsquare", 1, 3, 7, 5, 2, (5, 1), (2, 1), (2, 0), (1, 0), 1, 1, True),
    ("k2x2_s2_p0", 2, 4, 3, 5, 4, (2, 2), 2, 0, 0, 1, 1, True),
    ("big_padding", 1, 3, 6, 6, 3, (5, 5), 1, 4, 0, 1, 1, True),
    ("padding_crops_all_but_one", 1, 2, 2, 2, 2, (3, 3), 1, 1, 0, 1, 1, True),
    ("unbatched_s1", None, 4, 6, 7, 3, (3, 3), 1, 1, 0, 1, 1, True),
    ("unbatched_s2_groups", None, 4, 5, 5, 6, (4, 4), 2, 1, 0, 2, 1, False),
    ("batch3_no_bias", 3, 3, 4, 4, 2, (3, 3), 2, 0, 0, 1, 1, False),
    ("single_pixel_input", 2, 5, 1, 1, 4, (4, 4), 1, 0, 0, 1, 1, True),
    ("one_row_input", 1, 3, 1, 9, 3, (3, 3), 2, 1, 1, 1, 1, True),
    ("wide_channels", 1, 24, 3, 4, 20, (3, 3), 2, 1, 1, 1, 1, True),
    ("tall_thin", 1, 2, 17, 3, 3, (3, 2), (1, 2), (1, 0), (0, 1), 1, 1, True),
    ("everything", 2, 6, 5, 4, 9, (3, 4), (3, 2), (2, 1), (2, 1), 3, (2, 1), True),
]


def pair(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


def main():
    out_dir = pathlib.Path(__file__).resolve().parent.parent / "tests" / "golden"
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20261124)
    lines = [f"# PyTorch {torch.__version__} torch.nn.functional.conv_transpose2d, float32",
             HEADER]
    blob = bytearray()
    for (name, n, cin, h, w, cout, (kh, kw), stride, padding, output_padding, groups,
         dilation, has_bias) in CASES:
        s, p, op, d = pair(stride), pair(padding), pair(output_padding), pair(dilation)
        shape = (cin, h, w) if n is None else (n, cin, h, w)
        x = torch.rand(shape) * 2 - 1
        weight = torch.rand(cin, cout // groups, kh, kw) * 2 - 1
        bias = torch.rand(cout) * 2 - 1 if has_bias else None
        y = F.conv_transpose2d(x, weight, bias, s, p, op, groups, d)
        lines.append(" ".join(str(v) for v in (
            name, int(n is not None), n or 1, cin, h, w, cout, kh, kw, *s, *p, *op, groups,
            *d, int(has_bias))))
        for t in (x, weight, bias, y):
            if t is not None:
                blob += struct.pack(f"<{t.numel()}f", *t.flatten().tolist())
    (out_dir / "cases.txt").write_text("\n".join(lines) + "\n")
    (out_dir / "data.bin").write_bytes(bytes(blob))
    print(f"wrote {len(CASES)} cases, {len(blob)} bytes to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
