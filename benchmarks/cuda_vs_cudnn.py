#!/usr/bin/env python3
"""convt's CUDA kernels against PyTorch's conv_transpose2d (cuDNN) on one GPU.

For every layer of each layers file, in one process on the same device
tensors: checks convt against a float64 PyTorch result, then times convt and
cuDNN (TF32 off, then on) with CUDA events after warm-up, interleaved
repetition by repetition so a slow spell of the GPU lands on all three, and
reports medians, GFLOP/s (2 N C_in H W (C_out / groups) kH kW, SEMANTICS.md
"Work"), convt's speed-up over each, and the share of the FP32 peak given
with --fp32-peak.

Usage: python3 cuda_vs_cudnn.py --lib build/benchmarks/libconvt_cuda_c_api.so \\
           --shapes shapes.json [--shapes zoo.json] [--reps 50] [--json out.json]
"""
import argparse
import ctypes
import json
import math
import os
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


def timed_ms(run):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    run()
    end.record()
    end.synchronize()
    return start.elapsed_time(end)


def interleaved_medians(runs, reps, warmup):
    """Median ms of each run in `runs` (name -> callable), repetitions
    interleaved: rep 1 of each, then rep 2 of each, and so on."""
    for _ in range(warmup):
        for run in runs.values():
            run()
    torch.cuda.synchronize()
    times = {name: [] for name in runs}
    for _ in range(reps):
        for name, run in runs.items():
            times[name].append(timed_ms(run))
    return {name: statistics.median(t) for name, t in times.items()}


def set_tf32(on):
    torch.backends.cudnn.allow_tf32 = on


def geomean(values):
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lib", required=True)
    ap.add_argument("--shapes", action="append", required=True, help="layers file (repeatable)")
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--fp32-peak", type=float, default=0.0,
                    help="the GPU's FP32 FMA peak in TFLOP/s, for the %% of peak column")
    ap.add_argument("--json")
    ap.add_argument("--only", action="append", help="run only this layer (repeatable)")
    args = ap.parse_args()

    fn = load_convt(args.lib)
    torch.manual_seed(0)
    torch.backends.cudnn.benchmark = True  # cuDNN's best algorithm, as users run it
    dev = torch.device("cuda")
    rows = []
    for shapes in args.shapes:
        set_name = os.path.splitext(os.path.basename(shapes))[0]
        for L in json.load(open(shapes))["layers"]:
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
            del ref
            flop = 2 * L["N"] * L["C_in"] * L["H"] * L["W"] * (L["C_out"] // L["groups"]) \
                * L["kernel"][0] * L["kernel"][1]

            def cudnn(tf32):
                return lambda: (set_tf32(tf32), F.conv_transpose2d(x, w, b, **kw))
            t = interleaved_medians({"convt": lambda: convt_call(fn, x, w, b, out, L),
                                     "fp32": cudnn(False), "tf32": cudnn(True)},
                                    args.reps, args.warmup)
            set_tf32(False)
            row = dict(set=set_name, layer=L["name"], gflop=flop / 1e9, rel_error=err,
                       convt_ms=t["convt"], cudnn_fp32_ms=t["fp32"], cudnn_tf32_ms=t["tf32"],
                       convt_gflops=flop / t["convt"] / 1e6,
                       cudnn_fp32_gflops=flop / t["fp32"] / 1e6,
                       cudnn_tf32_gflops=flop / t["tf32"] / 1e6,
                       vs_fp32=t["fp32"] / t["convt"], vs_tf32=t["tf32"] / t["convt"])
            if args.fp32_peak:
                row["convt_pct_fp32_peak"] = 100 * row["convt_gflops"] / (1e3 * args.fp32_peak)
            rows.append(row)
            print(f"{set_name}/{L['name']}: error {err:.1e}, convt {t['convt']:.3f} ms, "
                  f"cuDNN fp32 {t['fp32']:.3f} ms, tf32 {t['tf32']:.3f} ms", flush=True)
            del x, w, b, out

    dev_name = torch.cuda.get_device_name()
    print(f"\n{dev_name}, torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}; "
          f"median of {args.reps} after {args.warmup}, interleaved")
    print(f"{'set':6} {'layer':24} {'GFLOP':>7} {'convt ms':>9} {'GFLOP/s':>8} "
          f"{'fp32 ms':>8} {'tf32 ms':>8} {'vs fp32':>8} {'vs tf32':>8} {'rel err':>8}")
    for r in rows:
        print(f"{r['set'][:6]:6} {r['layer'][:24]:24} {r['gflop']:7.3f} {r['convt_ms']:9.3f} "
              f"{r['convt_gflops']:8.0f} {r['cudnn_fp32_ms']:8.3f} {r['cudnn_tf32_ms']:8.3f} "
              f"{r['vs_fp32']:7.2f}x {r['vs_tf32']:7.2f}x {r['rel_error']:8.1e}")
    summary = {}
    for s in dict.fromkeys(r["set"] for r in rows):
        sel = [r for r in rows if r["set"] == s]
        summary[s] = dict(geomean_vs_fp32=geomean([r["vs_fp32"] for r in sel]),
                          geomean_vs_tf32=geomean([r["vs_tf32"] for r in sel]),
                          min_vs_fp32=min(r["vs_fp32"] for r in sel),
                          slower_than_fp32=sum(r["vs_fp32"] < 1 for r in sel), layers=len(sel))
        print(f"{s}: geomean {summary[s]['geomean_vs_fp32']:.2f}x cuDNN fp32 "
              f"({summary[s]['slower_than_fp32']} of {len(sel)} layers slower, slowest "
              f"{summary[s]['min_vs_fp32']:.2f}x), {summary[s]['geomean_vs_tf32']:.2f}x TF32")
    if args.json:
        json.dump(dict(device=dev_name, torch=torch.__version__,
                       cudnn=torch.backends.cudnn.version(), reps=args.reps,
                       fp32_peak_tflops=args.fp32_peak or None, summary=summary, layers=rows),
                  open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
