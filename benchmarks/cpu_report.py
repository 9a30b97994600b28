#!/usr/bin/env python3
"""CPU report: convt against the best of oneDNN 2.6, oneDNN 3.2 and PyTorch.

Layers: every file given with --shapes (default ../shared/bench/shapes.json
and zoo.json), and with --random N --seed S, N layers sampled from the ranges
real models use (random_layers), each capped at --max-gflop (with
--random-only, those alone).

Runs, on this machine: fma_peak (float32 FMA peak, AVX2 and AVX-512, one core
and all; before and after the timings, keeping the larger), mem_bandwidth
(copy bandwidth), then per ISA tier (capped at AVX2:
ONEDNN_MAX_CPU_ISA=AVX2, CONVT_MAX_CPU_ISA=avx2, ATEN_CPU_CAPABILITY=avx2;
then, on machines with AVX-512, the default ISA) --rounds rounds of three programs in a shuffled order:
cpu_vs_onednn (convt and Debian's oneDNN 2.6, interleaved layer by layer),
cpu_vs_onednn3 (convt and oneDNN 3.2 from PyPI; the two oneDNNs cannot
share a process) and torch_cpu.py. Each figure is the median over rounds of
each round's median, so a slow spell of the machine lands on every side.
Per layer and tier the best peer is the fastest of the three. --plan measure
runs convt with CONVT_PLAN=measure (its first call of each layer, in the
warm-up, times every candidate plan); the default is the planner's rules.

Writes <out>/cpu_<date>.json (machine, versions, layers with their
parameters, per-layer figures), .md (the tables) and .png (speed-up over the
best peer per layer), and prints the tables. Run through
scripts/cpu_report.sh, which builds first.
"""
import argparse
import datetime
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "shared", "bench")
TIERS = {"avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "CONVT_MAX_CPU_ISA": "avx2",
                  "ATEN_CPU_CAPABILITY": "avx2"},
         "default": {}}
PEERS = ("onednn26", "onednn32", "torch")


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout
    return json.loads(out)


# --- Layers -----------------------------------------------------------------

def output_size(size, k, s, p, op, d):
    return (size - 1) * s - 2 * p + d * (k - 1) + op + 1


def gflop(L):
    return 2e-9 * L["N"] * L["C_in"] * L["H"] * L["W"] * (L["C_out"] // L["groups"]) \
        * L["kernel"][0] * L["kernel"][1]


def log_uniform(rng, lo, hi):
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi + 0.999)) - 0.4999)))


def random_layers(n, seed, max_gflop):
    """n layers from the ranges real models use: batch 1-64, channels 1-2048,
    spatial 1-256, kernels 1-16, strides 1-8, dilation 1-3, groups 1, 2, 4
    or depthwise; sizes log-uniform, then batch, spatial size and channels
    halved in turn until the layer is under max_gflop."""
    rng = random.Random(seed)
    layers = []
    while len(layers) < n:
        kind = rng.choices(["dense", "grouped", "depthwise"], [0.75, 0.1, 0.15])[0]
        c_in, c_out = log_uniform(rng, 1, 2048), log_uniform(rng, 1, 2048)
        groups = 1
        if kind == "grouped":
            groups = rng.choice([2, 4])
            c_in, c_out = max(groups, c_in - c_in % groups), max(groups, c_out - c_out % groups)
        elif kind == "depthwise":
            c_in = c_out = groups = log_uniform(rng, 8, 1024)
        h = w = log_uniform(rng, 1, 256)
        if rng.random() < 0.15:  # 1-row (audio) layers and non-square inputs
            h = 1 if rng.random() < 0.5 else max(1, h // rng.choice([2, 4]))
        s = rng.choices([1, 2, 3, 4, 8], [0.3, 0.5, 0.07, 0.08, 0.05])[0]
        k = min(16, max(1, rng.choice([1, 2, 3, 4, 5, 7, s, 2 * s])))
        kh, kw = (1, k) if h == 1 else (k, k)
        sh, sw = (1, s) if h == 1 else (s, s)
        d = rng.choices([1, 2, 3], [0.85, 0.1, 0.05])[0]
        p = rng.randint(0, d * (k - 1) // 2)
        op = rng.randint(0, max(s, d) - 1) if rng.random() < 0.3 else 0
        ph, pw = (0, p) if h == 1 else (p, p)
        oph, opw = (0, op) if h == 1 else (op, op)
        L = dict(name=f"random{seed}_{len(layers)}", model=f"random layer (seed {seed})",
                 N=log_uniform(rng, 1, 64), C_in=c_in, H=h, W=w, C_out=c_out,
                 kernel=[kh, kw], stride=[sh, sw], padding=[ph, pw],
                 output_padding=[oph, opw], groups=groups, dilation=[1 if h == 1 else d, d])
        for field in ("N", "H", "W", "C_in", "C_out") * 12:
            if gflop(L) <= max_gflop:
                break
            if field in ("C_in", "C_out"):
                if L["groups"] == 1 and L[field] > 1:
                    L[field] //= 2
            elif L[field] > 1:
                L[field] //= 2
        heights = output_size(L["H"], kh, L["stride"][0], L["padding"][0],
                              L["output_padding"][0], L["dilation"][0])
        widths = output_size(L["W"], kw, L["stride"][1], L["padding"][1],
                             L["output_padding"][1], L["dilation"][1])
        if gflop(L) > max_gflop or heights < 1 or widths < 1 or \
                L["N"] * L["C_out"] * heights * widths > 1 << 26:
            continue
        layers.append(L)
    return layers


# --- Machine ----------------------------------------------------------------

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def cpu_caches():
    """{"L1d": "32K", "L2": "512K", "L3": "..."} of cpu0, from sysfs."""
    caches = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    for index in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        try:
            read = lambda f: open(os.path.join(base, index, f)).read().strip()
            if read("type") == "Instruction":
                continue
            caches[f"L{read('level')}" + ("d" if read("type") == "Data" else "")] = read("size")
        except OSError:
            pass
    return caches


def isa_features():
    wanted = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16",
              "amx_tile", "amx_bf16")
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            flags = line.split(":", 1)[1].split()
            return [f for f in wanted if f in flags]
    return []


# --- Timing -----------------------------------------------------------------

def harness(program, layers_file, names, env, repetitions):
    """{layer: {"convt": {...}, "onednn": {...}}} of one cpu_vs_onednn run."""
    cmd = [program, "--shapes", layers_file, "--repetitions", str(repetitions),
           "--benchmark_format=json", "--benchmark_enable_random_interleaving=true"] + \
        [a for n in names for a in ("--layer", n)]
    data = run_json(cmd, {**env, "OMP_NUM_THREADS": str(os.cpu_count())})
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


def time_tier(args, tier, layers_file, names, python_torch):
    """Per layer: lists of per-round medians for convt and each peer, with
    labels and versions; rounds of the programs in a shuffled order."""
    env = {**TIERS[tier], "CONVT_PLAN": args.plan}
    programs = {"onednn26": os.path.join(args.build, "benchmarks", "cpu_vs_onednn"),
                "onednn32": os.path.join(args.build, "benchmarks", "cpu_vs_onednn3")}
    programs = {k: v for k, v in programs.items() if os.path.exists(v)}
    samples, info = {}, {"versions": {}, "labels": {}, "heap": {}}
    order = list(programs) + ([] if python_torch is None else ["torch"])
    rng = random.Random(f"{tier}")
    for r in range(args.rounds):
        rng.shuffle(order)
        for peer in order:
            if peer == "torch":
                out = run_json([python_torch, os.path.join(HERE, "torch_cpu.py"), "--shapes",
                                layers_file, "--reps", str(args.repetitions)] +
                               [a for n in names for a in ("--layer", n)], env)
                info["versions"]["torch"] = out["torch"]
                for layer, ms in out["layers"].items():
                    samples.setdefault(layer, {}).setdefault("torch", []).append(ms)
                continue
            ctx, rows = harness(programs[peer], layers_file, names, env, args.repetitions)
            info["versions"][peer] = ctx.get("onednn_version")
            if peer == "onednn26" and str(ctx.get("onednn_version", "")).startswith("3."):
                sys.exit(f"{programs[peer]} runs oneDNN {ctx['onednn_version']}, not 2.6: "
                         "reconfigure the build so that it finds Debian's libdnnl-dev")
            info["versions"]["convt_kernel"] = ctx.get("convt_kernel")
            info["context"] = ctx
            for layer, impls in rows.items():
                s = samples.setdefault(layer, {})
                s.setdefault("convt", []).append(impls["convt"]["ms"])
                info["labels"].setdefault(layer, {})["convt"] = impls["convt"]["label"]
                if "onednn" not in impls:  # no primitive for it: not a peer there
                    info["labels"][layer][peer] = REFUSED
                    continue
                s.setdefault(peer, []).append(impls["onednn"]["ms"])
                info["labels"][layer][peer] = impls["onednn"]["label"]
                key = f"{peer}_rel_diff"
                info["labels"][layer][key] = max(
                    info["labels"][layer].get(key, 0), impls["convt"]["rel_diff"])
                if peer == "onednn26":
                    info["heap"][layer] = impls
        print(f"{tier}: round {r + 1} of {args.rounds} done", flush=True)
    return samples, info


# A peer whose output differs from convt's by more than this fraction of the
# output's largest magnitude is marked (float32 sums of these layers agree
# to about 1e-6).
DISAGREE = 1e-3
PEER_NAMES = {"onednn26": "oneDNN 2.6", "onednn32": "oneDNN 3.2"}
# The label of a oneDNN that has no primitive for a layer (cpu_vs_onednn's
# onednn_refused): the best peer is then the fastest of the others.
REFUSED = "refused"


def disagrees(t, peer):
    return (t.get(f"{peer}_rel_diff") or 0) > DISAGREE


def peer_cell(t, peer):
    if t[f"{peer}_ms"] is None and t.get(f"{peer}_impl") == REFUSED:
        return REFUSED
    return fmt(t[f"{peer}_ms"]) + ("\\*" if disagrees(t, peer) else "")


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(v, digits=3):
    return "-" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--shapes", action="append", default=[],
                    help="a layer file (repeatable; default shapes.json and zoo.json)")
    ap.add_argument("--random", type=int, default=0, metavar="N",
                    help="also N random layers (random_layers)")
    ap.add_argument("--random-only", action="store_true",
                    help="only the random layers, none from the layer files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-gflop", type=float, default=2.0,
                    help="the random layers' FLOP budget each")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repetitions", type=int, default=5, help="timed calls per round")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--name", default=None, help="output file stem (default cpu_<date>)")
    ap.add_argument("--layer", action="append", default=[], help="only this layer (repeatable)")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    ap.add_argument("--plan", choices=("rules", "measure"), default="rules",
                    help="convt's planning (CONVT_PLAN): the rules on the shape, or the "
                         "fastest candidate timed on the first call of each layer")
    args = ap.parse_args()
    date = datetime.date.today().isoformat()

    files = args.shapes or [os.path.join(BENCH, "shapes.json"), os.path.join(BENCH, "zoo.json")]
    if args.random_only:
        if not args.random:
            ap.error("--random-only needs --random N")
        files = []
    layers = []
    for f in files:
        set_name = os.path.splitext(os.path.basename(f))[0]
        layers += [dict(L, set=set_name) for L in json.load(open(f))["layers"]]
    if args.random:
        layers += [dict(L, set=f"random (seed {args.seed})")
                   for L in random_layers(args.random, args.seed, args.max_gflop)]
    if args.layer:
        layers = [L for L in layers if L["name"] in args.layer]
    names = [L["name"] for L in layers]
    if len(set(names)) != len(names):
        sys.exit("cpu_report: layer names repeat across the files")
    work = tempfile.mkdtemp(prefix="convt_report_")
    layers_file = os.path.join(work, "layers.json")
    json.dump({"layers": layers}, open(layers_file, "w"))

    peak = run_json([os.path.join(args.build, "benchmarks", "fma_peak")])
    print("peak GFLOP/s:", json.dumps(peak), flush=True)
    bandwidth = run_json([os.path.join(args.build, "benchmarks", "mem_bandwidth")])
    print("copy bandwidth GB/s:", json.dumps(bandwidth["copy_gbs"]), flush=True)
    python_torch = None if args.no_torch else sys.executable
    # Without AVX-512 the default ISA is AVX2: one tier serves as both.
    tiers = {"avx2": time_tier(args, "avx2", layers_file, [], python_torch)}
    tiers["default"] = (time_tier(args, "default", layers_file, [], python_torch)
                        if "avx512f" in isa_features() else tiers["avx2"])

    # The peak again after the timings, keeping the larger of each: on a
    # shared machine a single measurement can catch a spell in which one
    # core's worth of FMA units is all the host gives (two cores measured
    # 102 GFLOP/s, one core's peak, before layers that then ran at 1.5
    # times that).
    again = run_json([os.path.join(args.build, "benchmarks", "fma_peak")])
    print("peak GFLOP/s after the timings:", json.dumps(again), flush=True)
    for isa, by_threads in again.items():
        if isinstance(by_threads, dict):
            for threads, gf in by_threads.items():
                peak.setdefault(isa, {})[threads] = max(peak.get(isa, {}).get(threads, 0), gf)
    cores = peak["cores"]
    peaks = {"avx2": peak["avx2"][str(cores)],
             "avx512": peak.get("avx512", {}).get(str(cores))}
    gbs = bandwidth["copy_gbs"][str(cores)]
    rows = []
    for L in layers:
        name = L["name"]
        kh, kw = L["kernel"]
        h_out = output_size(L["H"], kh, L["stride"][0], L["padding"][0],
                            L["output_padding"][0], L["dilation"][0])
        w_out = output_size(L["W"], kw, L["stride"][1], L["padding"][1],
                            L["output_padding"][1], L["dilation"][1])
        # Compulsory traffic: read input, weights and bias once, write the output.
        moved = 4 * (L["N"] * L["C_in"] * L["H"] * L["W"]
                     + L["C_in"] * (L["C_out"] // L["groups"]) * kh * kw + L["C_out"]
                     + L["N"] * L["C_out"] * h_out * w_out)
        row = dict(layer=name, set=L["set"], params=L, gflop=gflop(L), mbytes_moved=moved * 1e-6)
        for tier, (samples, info) in tiers.items():
            s = samples.get(name, {})
            med = {k: statistics.median(v) for k, v in s.items() if v}
            if "convt" not in med:
                continue
            peers = {p: med[p] for p in PEERS if p in med}
            best = min(peers, key=peers.get) if peers else None
            kernel = info["labels"][name]["convt"]
            isa_peak = peaks["avx512"] if "avx512" in kernel and peaks["avx512"] else peaks["avx2"]
            row[tier] = dict(
                convt_ms=med["convt"], convt_kernel=kernel,
                **{f"{p}_ms": peers.get(p) for p in PEERS},
                **{f"{p}_impl": info["labels"][name].get(p) for p in ("onednn26", "onednn32")},
                best_peer=best, best_peer_ms=peers.get(best),
                speedup_vs_best=peers[best] / med["convt"] if best else None,
                fraction_of_peak=row["gflop"] / med["convt"] * 1e3 / isa_peak,
                fraction_of_bandwidth=moved / med["convt"] * 1e-6 / gbs,
                **{f"{p}_rel_diff": info["labels"][name].get(f"{p}_rel_diff")
                   for p in ("onednn26", "onednn32")})
            heap = info["heap"].get(name)
            if heap and tier == "default":
                row["convt_heap_mib"] = heap["convt"]["heap_mib"]
                row["onednn26_heap_mib"] = heap.get("onednn", {}).get("heap_mib")
                row["convt_warm_call_allocations"] = heap["convt"]["warm_allocations"]
        rows.append(row)

    sets = list(dict.fromkeys(r["set"] for r in rows))
    summary = {}
    for st in sets:
        for tier in TIERS:
            ratios = [r[tier]["speedup_vs_best"] for r in rows
                      if r["set"] == st and tier in r and r[tier]["speedup_vs_best"]]
            if ratios:
                summary.setdefault(st, {})[tier] = dict(
                    geomean=geomean(ratios), min=min(ratios), layers=len(ratios),
                    slower=sum(x < 1 for x in ratios))
    versions = {k: v for _, info in tiers.values() for k, v in info["versions"].items()}
    versions["convt_kernel_capped"] = tiers["avx2"][1]["versions"].get("convt_kernel")
    versions["halide"] = "21.0.0"
    versions["convt_commit"] = subprocess.run(
        ["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
        text=True).stdout.strip()
    ctx = tiers["default"][1].get("context", {})
    report = dict(
        date=date,
        machine=dict(cpu=cpu_model(), cores=cores, caches=cpu_caches(), isa=isa_features(),
                     host=ctx.get("host_name"), mhz_per_cpu=ctx.get("mhz_per_cpu")),
        method=dict(rounds=args.rounds, repetitions=args.repetitions, random=args.random,
                    convt_planning=args.plan,
                    seed=args.seed, max_gflop=args.max_gflop, files=files),
        versions=versions, peak_gflops=peak, copy_bandwidth_gbs=bandwidth["copy_gbs"],
        summary=summary, layers=rows)

    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, args.name or f"cpu_{date}")
    json.dump(report, open(stem + ".json", "w"), indent=1)

    m = report["machine"]
    k2, k5 = versions["convt_kernel_capped"], versions.get("convt_kernel")
    lines = [f"{m['cpu']}, {cores} cores, caches "
             f"{', '.join(f'{k} {v}' for k, v in m['caches'].items())}, "
             f"{' '.join(m['isa'])}; float32 FMA peak {peaks['avx2']:.0f} GFLOP/s AVX2, "
             f"{peaks['avx512'] or 0:.0f} AVX-512; copy bandwidth {gbs:.0f} GB/s; "
             f"oneDNN {versions.get('onednn26')} and {versions.get('onednn32')}, "
             f"PyTorch {versions.get('torch')}; {date}; median of {args.rounds} rounds "
             f"of {args.repetitions} calls each, programs in shuffled order; convt planning: "
             f"{args.plan} (CONVT_PLAN={args.plan})", ""]
    for st in sets:
        lines += [f"### {st}", "",
                  f"| layer | GFLOP | convt {k2} ms | oneDNN 2.6 | oneDNN 3.2 | PyTorch | "
                  f"vs best (AVX2) | convt {k5} ms | oneDNN 2.6 | oneDNN 3.2 | PyTorch | "
                  f"vs best | % peak |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                  "---: | ---: | ---: |"]
        for r in (r for r in rows if r["set"] == st):
            cells = [r["layer"], f"{r['gflop']:.3f}"]
            for tier in TIERS:
                t = r.get(tier)
                if not t:
                    cells += ["-"] * 5
                    continue
                cells += [fmt(t["convt_ms"]), peer_cell(t, "onednn26"), peer_cell(t, "onednn32"),
                          fmt(t["torch_ms"]), f"{fmt(t['speedup_vs_best'], 2)}x"]
            cells.append(f"{100 * r['default']['fraction_of_peak']:.0f}%"
                         if "default" in r else "-")
            lines.append("| " + " | ".join(cells) + " |")
        sa, sd = summary.get(st, {}).get("avx2"), summary.get(st, {}).get("default")
        describe = lambda x: "-" if not x else (
            f"{x['geomean']:.2f}x geomean, min {x['min']:.2f}x, "
            f"{x['slower']} of {x['layers']} slower")
        lines += ["", f"Against the best peer: AVX2 tier {describe(sa)}; "
                      f"default ISA {describe(sd)}.", ""]
        wrong = {}  # (layer, peer): the larger difference of the two tiers
        for r in (r for r in rows if r["set"] == st):
            for t in (r[tier] for tier in TIERS if tier in r):
                for p in (p for p in PEER_NAMES if disagrees(t, p)):
                    key = (r["layer"], PEER_NAMES[p])
                    wrong[key] = max(wrong.get(key, 0), t[f"{p}_rel_diff"])
        wrong = [f"{layer} ({peer}, {d:.2g})" for (layer, peer), d in wrong.items()]
        if wrong:
            lines += [f"\\* Output differs from convt's by more than {DISAGREE:g} of the "
                      f"output's largest magnitude: {', '.join(wrong)}. convt's output is "
                      f"checked against a float64 reference in its tests; these times still "
                      f"count as peers.", ""]
    lines += [f"Memory (convt {k5}): compulsory traffic (input, weights and output once) "
              f"against the copy bandwidth, and heap memory beyond the caller's tensors "
              f"(convt: its cached workspace; oneDNN 2.6: buffers in its layouts and scratch).",
              "",
              "| layer | MB moved | % of bandwidth | convt heap MiB | oneDNN heap MiB | "
              "convt allocations per warm call |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if "convt_heap_mib" in r:
            lines.append(f"| {r['layer']} | {r['mbytes_moved']:.1f} | "
                         f"{100 * r['default']['fraction_of_bandwidth']:.0f}% | "
                         f"{r['convt_heap_mib']:.1f} | {fmt(r['onednn26_heap_mib'], 1)} | "
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
    fig, ax = plt.subplots(figsize=(max(11, 0.25 * len(rows)), 4.5))
    names = [r["layer"] for r in rows]
    for i, (tier, label) in enumerate((("avx2", f"convt {k2}, AVX2 tier"),
                                       ("default", f"convt {k5}, default ISA"))):
        ax.bar([j + (i - 0.5) * 0.4 for j in range(len(names))],
               [(r.get(tier) or {}).get("speedup_vs_best") or 0 for r in rows], 0.4, label=label)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("speed-up over the best peer (log)")
    ax.set_title(f"convt against the best of oneDNN 2.6, 3.2 and PyTorch, {m['cpu']}, "
                 f"{cores} cores, {date}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(stem + ".png", dpi=110)
    print(f"wrote {stem}.json, .md, .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
