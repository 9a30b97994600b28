#!/usr/bin/env python3
"""CPU report: convt against oneDNN (default ISA and capped at AVX2) and PyTorch.

Runs, on this machine: fma_peak (float32 FMA peak, AVX2 and AVX-512, one core
and all), mem_bandwidth (copy bandwidth), cpu_vs_onednn twice (oneDNN reads
ONEDNN_MAX_CPU_ISA once per process): convt's AVX2 library against oneDNN
capped at AVX2, then convt's AVX-512 library against oneDNN at its default
ISA, interleaved layer by layer; and torch_cpu.py. Writes
<out>/cpu_<date>.json (machine, versions, per-layer figures), .md (the
tables) and .png (speed-up per layer), and prints the tables. Run through
scripts/cpu_report.sh, which builds first.
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
    """Medians per layer and implementation; isa_cap "AVX2" caps both."""
    env = {"ONEDNN_MAX_CPU_ISA": "AVX2", "CONVT_MAX_CPU_ISA": "avx2"} if isa_cap else {}
    env["OMP_NUM_THREADS"] = str(os.cpu_count())
    cmd = [os.path.join(build, "benchmarks", "cpu_vs_onednn"), "--shapes", shapes,
           "--benchmark_format=json", "--benchmark_enable_random_interleaving=true"] + \
        [a for l in layers for a in ("--layer", l)]
    data = run_json(cmd, env)
    rows = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        layer, impl = b["run_name"].split("/")[:2]
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        rows.setdefault(layer, {})[impl] = dict(
            ms=b["real_time"] * scale, label=b.get("label", ""), rel_diff=b["max_rel_diff"],
            heap_mib=b[impl + "_heap_MiB"], warm_allocations=b["convt_warm_call_allocations"])
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
    bandwidth = run_json([os.path.join(args.build, "benchmarks", "mem_bandwidth")])
    print("copy bandwidth GB/s:", json.dumps(bandwidth["copy_gbs"]), flush=True)
    ctx_avx2, avx2 = harness(args.build, shapes, args.layer, "AVX2")
    print("convt and oneDNN capped at AVX2: done", flush=True)
    ctx, default = harness(args.build, shapes, args.layer, None)
    print("convt and oneDNN at the default ISA: done", flush=True)
    torch = None
    if not args.no_torch:
        cmd = [sys.executable, os.path.join(HERE, "torch_cpu.py"), "--shapes", shapes]
        torch = run_json(cmd + [a for l in args.layer for a in ("--layer", l)])
        print("PyTorch: done", flush=True)

    cores = peak["cores"]
    avx2_peak = peak["avx2"][str(cores)]
    avx512_peak = peak.get("avx512", {}).get(str(cores))
    gbs = bandwidth["copy_gbs"][str(cores)]
    layers = []
    for L in json.load(open(shapes))["layers"]:
        name = L["name"]
        if name not in default:
            continue
        flops = 2 * L["N"] * L["C_in"] * L["H"] * L["W"] * (L["C_out"] // L["groups"]) \
            * L["kernel"][0] * L["kernel"][1]
        kh, kw = L["kernel"]
        h_out = (L["H"] - 1) * L["stride"][0] - 2 * L["padding"][0] \
            + L["dilation"][0] * (kh - 1) + L["output_padding"][0] + 1
        w_out = (L["W"] - 1) * L["stride"][1] - 2 * L["padding"][1] \
            + L["dilation"][1] * (kw - 1) + L["output_padding"][1] + 1
        # Compulsory traffic: read input, weights and bias once, write the output.
        moved = 4 * (L["N"] * L["C_in"] * L["H"] * L["W"]
                     + L["C_in"] * (L["C_out"] // L["groups"]) * kh * kw + L["C_out"]
                     + L["N"] * L["C_out"] * h_out * w_out)
        c2, c5 = avx2[name]["convt"]["ms"], default[name]["convt"]["ms"]
        row = dict(layer=name, gflop=flops * 1e-9, mbytes_moved=moved * 1e-6,
                   convt_avx2_ms=c2, convt_avx2_kernel=avx2[name]["convt"]["label"],
                   convt_avx2_fraction_of_peak=flops / c2 * 1e-6 / avx2_peak,
                   onednn_avx2_ms=avx2[name]["onednn"]["ms"],
                   onednn_avx2_impl=avx2[name]["onednn"]["label"],
                   convt_ms=c5, convt_kernel=default[name]["convt"]["label"],
                   convt_fraction_of_peak=(flops / c5 * 1e-6 / avx512_peak
                                           if avx512_peak else None),
                   onednn_ms=default[name]["onednn"]["ms"],
                   onednn_impl=default[name]["onednn"]["label"],
                   convt_gbs=moved / c5 * 1e-6, convt_fraction_of_bandwidth=moved / c5 * 1e-6 / gbs,
                   convt_heap_mib=default[name]["convt"]["heap_mib"],
                   onednn_heap_mib=default[name]["onednn"]["heap_mib"],
                   convt_warm_call_allocations=default[name]["convt"]["warm_allocations"],
                   max_rel_diff_vs_onednn=max(avx2[name]["convt"]["rel_diff"],
                                              default[name]["convt"]["rel_diff"]),
                   torch_ms=torch["layers"].get(name) if torch else None)
        row["speedup_avx2"] = row["onednn_avx2_ms"] / c2
        row["speedup"] = row["onednn_ms"] / c5
        row["speedup_vs_torch"] = row["torch_ms"] / c5 if row["torch_ms"] else None
        layers.append(row)

    summary = {k: geomean([r[k] for r in layers])
               for k in ("speedup_avx2", "speedup", "speedup_vs_torch")}
    report = dict(
        date=date,
        machine=dict(cpu=cpu_model(), cores=cores, host=ctx.get("host_name"),
                     mhz_per_cpu=ctx.get("mhz_per_cpu")),
        versions=dict(convt_kernel=ctx.get("convt_kernel"),
                      convt_kernel_capped=ctx_avx2.get("convt_kernel"),
                      onednn=ctx.get("onednn_version"),
                      torch=torch["torch"] if torch else None, halide="21.0.0",
                      convt_commit=subprocess.run(["git", "-C", HERE, "rev-parse", "--short",
                                                   "HEAD"], capture_output=True,
                                                  text=True).stdout.strip()),
        peak_gflops=peak, copy_bandwidth_gbs=bandwidth["copy_gbs"], geomean=summary,
        layers=layers)

    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"cpu_{date}")
    json.dump(report, open(stem + ".json", "w"), indent=1)

    k2, k5 = report["versions"]["convt_kernel_capped"], report["versions"]["convt_kernel"]
    lines = [f"{report['machine']['cpu']}, {cores} cores; float32 FMA peak {avx2_peak:.0f} "
             f"GFLOP/s AVX2, {avx512_peak or 0:.0f} AVX-512; copy bandwidth {gbs:.0f} GB/s; "
             f"oneDNN {report['versions']['onednn']}, PyTorch {report['versions']['torch']}; "
             f"{date}; medians",
             "",
             f"| layer | GFLOP | convt {k2} ms | oneDNN AVX2 ms | speed-up | % AVX2 peak | "
             f"convt {k5} ms | oneDNN ms | speed-up | % AVX-512 peak | PyTorch ms | "
             f"vs PyTorch |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in layers:
        frac = r["convt_fraction_of_peak"]
        lines.append(
            f"| {r['layer']} | {r['gflop']:.3f} | {r['convt_avx2_ms']:.3f} | "
            f"{r['onednn_avx2_ms']:.3f} | {r['speedup_avx2']:.2f}x | "
            f"{100 * r['convt_avx2_fraction_of_peak']:.0f}% | {r['convt_ms']:.3f} | "
            f"{r['onednn_ms']:.3f} | {r['speedup']:.2f}x | "
            f"{'-' if frac is None else f'{100 * frac:.0f}%'} | {fmt(r['torch_ms'], 3)} | "
            f"{fmt(r['speedup_vs_torch'])}x |")
    lines.append(f"| geometric mean | | | | {fmt(summary['speedup_avx2'])}x | | | | "
                 f"{fmt(summary['speedup'])}x | | | {fmt(summary['speedup_vs_torch'])}x |")
    lines += ["",
              f"Memory (convt {k5}): compulsory traffic (input, weights and output once) "
              f"against the copy bandwidth, and heap memory beyond the caller's tensors "
              f"(convt: its cached workspace; oneDNN: buffers in its layouts and scratch).",
              "",
              "| layer | MB moved | convt GB/s | % of bandwidth | convt heap MiB | "
              "oneDNN heap MiB | convt allocations per warm call |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in layers:
        lines.append(f"| {r['layer']} | {r['mbytes_moved']:.1f} | {r['convt_gbs']:.1f} | "
                     f"{100 * r['convt_fraction_of_bandwidth']:.0f}% | "
                     f"{r['convt_heap_mib']:.1f} | {r['onednn_heap_mib']:.1f} | "
                     f"{r['convt_warm_call_allocations']:.0f} |")
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
    series = [(f"convt {k2} vs oneDNN capped at AVX2", "speedup_avx2"),
              (f"convt {k5} vs oneDNN, default ISA", "speedup"),
              (f"convt {k5} vs PyTorch", "speedup_vs_torch")]
    width = 0.8 / len(series)
    for i, (label, key) in enumerate(series):
        ax.bar([j + (i - 1) * width for j in range(len(names))],
               [r[key] or 0 for r in layers], width, label=label)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel("convt speed-up (x, log scale)")
    ax.set_title(f"convt speed-up per layer, "
                 f"{report['machine']['cpu']}, {cores} cores, {date}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(stem + ".png", dpi=110)
    print(f"wrote {stem}.json, .md, .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
