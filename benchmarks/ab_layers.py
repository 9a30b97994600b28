#!/usr/bin/env python3
"""Compares two builds of layer_bench on the same layers.

    python3 benchmarks/ab_layers.py OLD NEW --shapes FILE [--rounds 6]
                                     [--reps 5] [--layer NAME]...

OLD and NEW are layer_bench binaries (copy build/benchmarks/layer_bench
aside before changing the build). Each layer runs OLD and NEW in turn,
NEW first on odd rounds, so a slow spell of the machine lands on both
sides of a layer rather than on one build's whole run. Prints per layer
the median over rounds of each build's time (layer_bench's own median of
--reps calls), NEW over OLD, and the rules' plan where it differs, then
the geometric mean of NEW over OLD and the layers slower by more than 5%.
"""

import argparse
import json
import math
import statistics
import subprocess
import sys


def run(binary, shapes, layer, reps):
    """(time in ms, plan) of one layer_bench run of one layer."""
    out = subprocess.run([binary, "--shapes", shapes, "--layer", layer, "--reps", str(reps)],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0] == layer:
            return float(fields[1]), " ".join(fields[3:])
    raise RuntimeError(f"{binary} printed no time for {layer}:\n{out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--shapes", required=True, help='a {"layers": [...]} file')
    ap.add_argument("--layer", action="append", default=[], help="only this layer (repeatable)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--reps", type=int, default=5, help="timed calls per run")
    args = ap.parse_args()

    with open(args.shapes) as f:
        names = [layer["name"] for layer in json.load(f)["layers"]]
    if args.layer:
        names = [n for n in names if n in args.layer]
    if not names:
        sys.exit("no layer to run")

    times = {args.old: {n: [] for n in names}, args.new: {n: [] for n in names}}
    plans = {args.old: {}, args.new: {}}
    for r in range(args.rounds):
        for name in names:
            for binary in (args.old, args.new) if r % 2 == 0 else (args.new, args.old):
                ms, plan = run(binary, args.shapes, name, args.reps)
                times[binary][name].append(ms)
                plans[binary][name] = plan

    logs, slower = [], []
    print(f"{'layer':24s} {'old ms':>9s} {'new ms':>9s}  new/old")
    for name in names:
        old = statistics.median(times[args.old][name])
        new = statistics.median(times[args.new][name])
        ratio = new / old
        logs.append(math.log(ratio))
        if ratio > 1.05:
            slower.append(name)
        moved = plans[args.old][name] != plans[args.new][name]
        note = f"  [{plans[args.old][name]} -> {plans[args.new][name]}]" if moved else ""
        print(f"{name:24s} {old:9.3f} {new:9.3f}  {ratio:5.2f}x{note}")
    print(f"new/old {math.exp(sum(logs) / len(logs)):.3f}x in geometric mean over {len(logs)} "
          f"layers, {args.rounds} rounds; slower by over 5%: {', '.join(slower) or 'none'}")


if __name__ == "__main__":
    main()
