#!/usr/bin/env python3
"""Times torch.nn.functional.conv_transpose2d on the CPU over shapes.json.

The framework a user would otherwise call: same NCHW float32 tensors as the
C++ harness, every core, warm-up, then the median of --reps calls. Prints a
JSON object {"torch": version, "threads": n, "layers": {name: ms}}.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--layer", action="append", help="only this layer (repeatable)")
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    times = {}
    for L in json.load(open(args.shapes))["layers"]:
        if args.layer and L["name"] not in args.layer:
            continue
        x = torch.rand(L["N"], L["C_in"], L["H"], L["W"]) * 2 - 1
        w = torch.rand(L["C_in"], L["C_out"] // L["groups"], *L["kernel"]) * 2 - 1
        b = torch.rand(L["C_out"]) * 2 - 1
        kw = dict(stride=L["stride"], padding=L["padding"], output_padding=L["output_padding"],
                  groups=L["groups"], dilation=L["dilation"])
        with torch.inference_mode():
            for _ in range(3):
                F.conv_transpose2d(x, w, b, **kw)
            samples = []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                F.conv_transpose2d(x, w, b, **kw)
                samples.append(time.perf_counter() - t0)
        times[L["name"]] = statistics.median(samples) * 1e3
    print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(),
                          layers=times)))


if __name__ == "__main__":
    main()
