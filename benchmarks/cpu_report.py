#!/usr/bin/env python3
"""CPU report: convt against oneDNN (default ISA and capped at AVX2) and PyTorch.

Runs, on this machine: fma_peak (float32 FMA peak, AVX2 and AVX-512, one core
and all), cpu_vs_onednn twice (oneDNN reads ONEDNN_MAX_CPU_ISA once per
process; convt runs in both, interleaved with oneDNN layer by layer), and
torch_cpu.py. Writes <out>/cpu_<date>.json (machine, versions, per-layer
figures), .md (the table) and .png (speed-up per layer), and prints the table.
Run through scripts/cpu_report.sh, which builds first.
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout
    return json.loads(out)


def harness(build, shapes, layers, isa_cap):
    env = {"ONEDNN_MAX_CPU_ISA": isa_cap} if isa_cap else {}
    env["OMP_NUM_THREADS"] = str(os.cpu_count())
    cmd = [os.path.join(build, "benchmarks", "cpu_vs_onednn"), "--shapes", shapes,
           "--benchmark_format=json"] + [a for l in layers for a in ("--layer", l)]
    data = run_json(cmd, env)
    rows = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        layer, impl = b["run_name"].split("/")[:2]
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        rows.setdefault(layer, {})[impl] = dict(ms=b["real_time"] * scale, label=b.get("label", ""),
                                                rel_diff=b["max_rel_diff"])
    return data["context"], rows


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--shapes", default=os.path.join(HERE, "..", "..", "shared", "bench",
                                                     "shapes.json"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--layer", action="append", default=[], help="only this layer (repeatable)")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    args = ap.parse_args()
    shapes = os.path.abspath(args.shapes)
    date = datetime.date.today().isoformat()

    peak = run_json([os.path.join(args.build, "benchmarks", "fma_peak")])
    print("peak GFLOP/s:", json.dumps(peak), flush=True)
    ctx, default = harness(args.build, shapes, args.layer, None)
    print("oneDNN default ISA: done", flush=True)
    _, avx2 = harness(args.build, shapes, args.layer, "AVX2")
    print("oneDNN capped at AVX2: done", flush=True)
    torch = None
    if not args.no_torch:
        cmd = [sys.executable, os.path.join(HERE, "torch_cpu.py"), "--shapes", shapes]
        torch = run_json(cmd + [a for l in args.layer for a in ("--layer", l)])
        print("PyTorch: done", flush=True)

    cores = peak["cores"]
    avx2_peak = peak["avx2"][str(cores)]
    layers = []
    for L in json.load(open(shapes))["layers"]:
        name = L["name"]
        if name not in default:
            continue
        flops = 2 * L["N"] * L["C_in"] * L["H"] * L["W"] * (L["C_out"] // L["groups"]) \
            * L["kernel"][0] * L["kernel"][1]
        c = default[name]["convt"]["ms"]
        row = dict(layer=name, gflop=flops * 1e-9, convt_ms=c,
                   convt_gflops=flops / c * 1e-6,
                   convt_fraction_of_avx2_peak=flops / c * 1e-6 / avx2_peak,
                   convt_ms_second_run=avx2[name]["convt"]["ms"],
                   onednn_ms=default[name]["onednn"]["ms"],
                   onednn_impl=default[name]["onednn"]["label"],
                   onednn_avx2_ms=avx2[name]["onednn"]["ms"],
                   onednn_avx2_impl=avx2[name]["onednn"]["label"],
                   max_rel_diff_vs_onednn=default[name]["convt"]["rel_diff"],
                   torch_ms=torch["layers"].get(name) if torch else None)
        row["speedup_vs_onednn_avx2"] = row["onednn_avx2_ms"] / c
        row["speedup_vs_onednn"] = row["onednn_ms"] / c
        row["speedup_vs_torch"] = row["torch_ms"] / c if row["torch_ms"] else None
        layers.append(row)

    summary = {k: geomean([r[k] for r in layers]) for k in
               ("speedup_vs_onednn_avx2", "speedup_vs_onednn", "speedup_vs_torch")}
    report = dict(
        date=date,
        machine=dict(cpu=cpu_model(), cores=cores, host=ctx.get("host_name"),
                     mhz_per_cpu=ctx.get("mhz_per_cpu")),
        versions=dict(convt_kernel=ctx.get("convt_kernel"), onednn=ctx.get("onednn_version"),
                      torch=torch["torch"] if torch else None, halide="21.0.0",
                      convt_commit=subprocess.run(["git", "-C", HERE, "rev-parse", "--short",
                                                   "HEAD"], capture_output=True,
                                                  text=True).stdout.strip()),
        peak_gflops=peak, geomean=summary, layers=layers)

    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"cpu_{date}")
    json.dump(report, open(stem + ".json", "w"), indent=1)

    lines = [f"{report['machine']['cpu']}, {cores} cores; float32 FMA peak {avx2_peak:.0f} "
             f"GFLOP/s AVX2, {peak.get('avx512', {}).get(str(cores), 0):.0f} AVX-512; "
             f"oneDNN {report['versions']['onednn']}, PyTorch {report['versions']['torch']}; "
             f"{date}; medians",
             "",
             "| layer | convt ms | GFLOP/s | % AVX2 peak | oneDNN AVX2 ms | oneDNN ms | "
             "PyTorch ms | vs oneDNN AVX2 | vs oneDNN | vs PyTorch |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in layers:
        lines.append(
            f"| {r['layer']} | {r['convt_ms']:.3f} | {r['convt_gflops']:.1f} | "
            f"{100 * r['convt_fraction_of_avx2_peak']:.0f}% | {r['onednn_avx2_ms']:.3f} | "
            f"{r['onednn_ms']:.3f} | {fmt(r['torch_ms'], 3)} | "
            f"{r['speedup_vs_onednn_avx2']:.2f}x | {r['speedup_vs_onednn']:.2f}x | "
            f"{fmt(r['speedup_vs_torch'])}x |")
    lines.append(f"| geometric mean | | | | | | | {fmt(summary['speedup_vs_onednn_avx2'])}x | "
                 f"{fmt(summary['speedup_vs_onednn'])}x | {fmt(summary['speedup_vs_torch'])}x |")
    table = "\n".join(lines) + "\n"
    open(stem + ".md", "w").write(table)
    print(table)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: PNG not written")
        return 0
    fig, ax = plt.subplots(figsize=(11, 4.5))
    names = [r["layer"] for r in layers]
    series = [("oneDNN, AVX2", "speedup_vs_onednn_avx2"), ("oneDNN, default ISA",
              "speedup_vs_onednn"), ("PyTorch", "speedup_vs_torch")]
    width = 0.8 / len(series)
    for i, (label, key) in enumerate(series):
        ax.bar([j + (i - 1) * width for j in range(len(names))],
               [r[key] or 0 for r in layers], width, label=f"vs {label}")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel("convt speed-up (x, log scale)")
    ax.set_title(f"convt ({report['versions']['convt_kernel']}) speed-up per layer, "
                 f"{report['machine']['cpu']}, {cores} cores, {date}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(stem + ".png", dpi=110)
    print(f"wrote {stem}.json, .md, .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
