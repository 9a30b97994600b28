#!/usr/bin/env python3
"""convt's CUDA kernel against PyTorch's conv_transpose2d (cuDNN) on one GPU.

For every layer of shapes.json, in one process on the same device tensors:
checks convt against a float64 PyTorch result, then times convt and cuDNN
(TF32 off, then on) with CUDA events after warm-up, and reports medians and
GFLOP/s (2 N C_in H W (C_out / groups) kH kW, SEMANTICS.md "Work").

Usage: python3 cuda_vs_cudnn.py --lib build/benchmarks/libconvt_cuda_c_api.so \
           --shapes ../shared/bench/shapes.json [--reps 50] [--json out.json]
"""
import argparse
import ctypes
import json
import statistics

import torch
import torch.nn.functional as F


def load_convt(path):
    lib = ctypes.CDLL(path)
    fn = lib.convt_cuda_conv_transpose2d
    p64 = ctypes.POINTER(ctypes.c_int64)
    fn.argtypes = [ctypes.c_void_p, p64, ctypes.c_void_p, p64, ctypes.c_void_p, ctypes.c_void_p,
                   p64, p64, p64, p64, ctypes.c_int64, p64, ctypes.c_char_p, ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


def arr(values):
    return (ctypes.c_int64 * len(values))(*values)


def convt_call(fn, x, w, b, out, L):
    err = ctypes.create_string_buffer(1024)
    rc = fn(x.data_ptr(), arr(x.shape), w.data_ptr(), arr(w.shape),
            b.data_ptr() if b is not None else None, out.data_ptr(), arr(out.shape),
            arr(L["stride"]), arr(L["padding"]), arr(L["output_padding"]), L["groups"],
            arr(L["dilation"]), err, len(err))
    if rc != 0:
        raise RuntimeError(err.value.decode())


def median_ms(run, reps, warmup):
    for _ in range(warmup):
        run()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        run()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lib", required=True)
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--json")
    ap.add_argument("--only", action="append", help="run only this layer (repeatable)")
    args = ap.parse_args()

    fn = load_convt(args.lib)
    torch.manual_seed(0)
    torch.backends.cudnn.benchmark = True  # cuDNN's best algorithm, as users run it
    dev = torch.device("cuda")
    rows = []
    for L in json.load(open(args.shapes))["layers"]:
        if args.only and L["name"] not in args.only:
            continue
        x = torch.rand(L["N"], L["C_in"], L["H"], L["W"], device=dev) * 2 - 1
        w = torch.rand(L["C_in"], L["C_out"] // L["groups"], *L["kernel"], device=dev) * 2 - 1
        b = torch.rand(L["C_out"], device=dev) * 2 - 1
        kw = dict(stride=L["stride"], padding=L["padding"], output_padding=L["output_padding"],
                  groups=L["groups"], dilation=L["dilation"])
        ref = F.conv_transpose2d(x.double(), w.double(), b.double(), **kw)
        out = torch.full_like(ref, float("nan"), dtype=torch.float32)
        convt_call(fn, x, w, b, out, L)
        torch.cuda.synchronize()
        err = ((out.double() - ref).abs().max() / ref.abs().max()).item()
        flop = 2 * L["N"] * L["C_in"] * L["H"] * L["W"] * (L["C_out"] // L["groups"]) \
            * L["kernel"][0] * L["kernel"][1]
        t_convt = median_ms(lambda: convt_call(fn, x, w, b, out, L), args.reps, args.warmup)
        times = {}
        for tf32 in (False, True):
            torch.backends.cudnn.allow_tf32 = tf32
            times[tf32] = median_ms(lambda: F.conv_transpose2d(x, w, b, **kw), args.reps,
                                    args.warmup)
        rows.append(dict(layer=L["name"], rel_error=err, convt_ms=t_convt,
                         cudnn_fp32_ms=times[False], cudnn_tf32_ms=times[True],
                         convt_gflops=flop / t_convt / 1e6,
                         cudnn_fp32_gflops=flop / times[False] / 1e6,
                         cudnn_tf32_gflops=flop / times[True] / 1e6))
        print(f"{L['name']}: error {err:.1e}", flush=True)

    print(f"\n{torch.cuda.get_device_name()}, torch {torch.__version__}, "
          f"cuDNN {torch.backends.cudnn.version()}; median of {args.reps} after {args.warmup}")
    print(f"{'layer':22} {'convt ms':>9} {'GFLOP/s':>8} {'cuDNN fp32':>10} {'GFLOP/s':>8} "
          f"{'cuDNN tf32':>10} {'GFLOP/s':>8} {'rel err':>8}")
    for r in rows:
        print(f"{r['layer']:22} {r['convt_ms']:9.3f} {r['convt_gflops']:8.0f} "
              f"{r['cudnn_fp32_ms']:10.3f} {r['cudnn_fp32_gflops']:8.0f} "
              f"{r['cudnn_tf32_ms']:10.3f} {r['cudnn_tf32_gflops']:8.0f} {r['rel_error']:8.1e}")
    if args.json:
        json.dump(dict(device=torch.cuda.get_device_name(), torch=torch.__version__,
                       cudnn=torch.backends.cudnn.version(), reps=args.reps, layers=rows),
                  open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
