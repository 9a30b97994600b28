#!/usr/bin/env python3
"""Searches the schedule knobs of convt's kernels for a set of layers.

Each trial builds a candidate kernel library by running the generator with
a set of knobs (the GeneratorParams of generators/conv_transpose2d_generator.cpp),
links it into convt_trial in place of the build's own library for that
flavour (a CPU candidate is built only in the tile orders the chosen layers
run on this machine; the build's own kernels stand in for the rest), checks every layer against the float64 reference (a wrong candidate
is logged and discarded), then times it. Trial 0 is the hand schedule (the
target's own tiles); then random knobs, then a local search around the best
so far. Every trial is one JSON line in the results file: knobs, status,
per-layer times, machine, versions, Halide target. A run stopped with
Ctrl-C resumes where it stopped (--resume). Candidates compile --jobs at a
time; timing is one at a time.

  python3 tuning/tune.py --build build --target x86-avx2 --layer dilated_s1 \\
      --trials 20 --results out/tune.jsonl --schedule-out out/schedule.json

arm-neon is a search space only: its candidates are compiled (each must
build), not timed, since this machine cannot run them at speed. cuda times
on tensors in device memory where a CUDA device is usable, and otherwise
only compiles. opencl runs the same GPU schedule through OpenCL (PoCL on
the CPU here): it checks GPU knobs without a GPU; its times are the CPU's.
"""
import argparse
import concurrent.futures
import datetime
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from cpu_report import cpu_model, geomean  # noqa: E402 - the benchmarks' own helpers

# Knob values to search, per target family; 0 is the target's own choice
# (the hand schedule is every knob at 0), so the local search can start from
# it. Tiles whose accumulators do not fit the registers are in the space on
# purpose: they compile, and run slow.
X86_SPACE = {
    "x_vectors": [0, 1, 2, 3],
    "x_channels": [0, 2, 3, 4, 5, 6, 8],
    "wide_vectors": [0, 2, 3, 4],
    "wide_channels": [0, 2, 3, 4, 5, 6],
    "cx_columns": [0, 2, 3, 4, 6],
    "cx_channel_vectors": [0, 1, 2, 3, 4],
    "cx_wide_columns": [0, 6, 10, 12],
    "cx_wider_columns": [0, 7, 12, 14],
    "img_images": [0, 2, 3, 4, 6],
    "img_channel_vectors": [0, 1, 2, 3, 4],
    "more_images": [0, 3, 5, 6, 8],
    "more_channel_vectors": [0, 1, 2, 3],
    "xi_vectors": [0, 1, 2],
    "xi_channels": [0, 1, 2, 3],
    "xi_images": [0, 2, 3, 4],
    "xi_one_vectors": [0, 1, 2, 3],
    "xi_one_images": [0, 4, 6, 8, 12],
    "xr_vectors": [0, 1, 2, 3],
    "xr_rows": [0, 2, 4, 6, 8],
    "pad_vectors": [0, 1, 2, 4],
    "enough_blocks": [0, 2, 4, 8, 16],
    "xi_channel_block": [0, 8, 16, 64, 4096],
    "columns_channel_block": [0, 64, 256, 4096],
}
NEON_SPACE = dict(X86_SPACE, x_vectors=[0, 2, 3, 4], wide_vectors=[0, 4, 5, 6])
# The GPU kernels' tiles (convt_gpu::Tiles in generators/gpu_contract.h).
# The generator refuses combinations it cannot build (gemm channels that are
# not whole 128-bit vectors, more than 1024 threads): compile errors.
GPU_SPACE = {
    "gpu_threads_m": [0, 32, 64, 128, 256],
    "gpu_pixels": [0, 1, 2, 4, 8],
    "gpu_threads_c": [0, 1, 2, 4],
    "gpu_channels": [0, 4, 8, 16],
    "gpu_k_unroll": [0, 1, 2, 4],
}
GPU_DIRECT_SPACE = dict(GPU_SPACE, gpu_channels=[0, 1, 2, 4, 8])

TARGETS = {
    # --target: (kernel flavour, knob space, CONVT_MAX_CPU_ISA for the trial)
    "x86-avx2": ("x86_avx2", X86_SPACE, "avx2"),
    "x86-avx512": ("x86_avx512", X86_SPACE, None),
    "arm-neon": ("arm_neon", NEON_SPACE, None),
    # The GPU's three kernels: gemm and gemm_split (dense layers; split when
    # they alone are too few threads) and direct (the rest). A trial replaces
    # one of them; the layers the runtime sends to the others keep the
    # build's own.
    "cuda": ("cuda_gemm", GPU_SPACE, None),
    "cuda-split": ("cuda_gemm_split", GPU_SPACE, None),
    "cuda-direct": ("cuda_direct", GPU_DIRECT_SPACE, None),
    "opencl": ("opencl_gemm", GPU_SPACE, None),
    "opencl-split": ("opencl_gemm_split", GPU_SPACE, None),
    "opencl-direct": ("opencl_direct", GPU_DIRECT_SPACE, None),
}
CUDA_FLAVOURS = ("cuda_gemm", "cuda_gemm_split", "cuda_direct")
GPU_FLAVOURS = CUDA_FLAVOURS + ("opencl_gemm", "opencl_gemm_split", "opencl_direct")
ARM_HALIDE_TARGET = "arm-64-linux-user_context"

AUTOSCHEDULER_LIBS = {"Adams2019": "adams2019", "Mullapudi2016": "mullapudi2016",
                      "Li2018": "li2018", "Anderson2021": "anderson2021"}
# Defaults beyond the plugins' own. Adams2019's beam search (beam 32) over
# this pipeline ran 8.5 minutes and over 20 GB before it was killed; the
# greedy pass (beam 1) takes seconds.
AUTOSCHEDULER_PARAMS = {"Adams2019": {"beam_size": "1"}}
# For GPU targets. Mullapudi2016 otherwise schedules everything on the host.
# (Its GPU mode stops on this pipeline in Halide 21, as Li2018's does; that
# is recorded as a compile error. Anderson2021 schedules it.)
AUTOSCHEDULER_GPU_PARAMS = {"Mullapudi2016": {"experimental_gpu_schedule": "1"}}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="a host build of convt (default: build/)")
    ap.add_argument("--target", choices=sorted(TARGETS), default="x86-avx2")
    ap.add_argument("--shapes", default=os.path.join(ROOT, "..", "shared", "bench", "shapes.json"))
    ap.add_argument("--layer", action="append", default=[],
                    help="layer of the shapes file (repeatable; default: all)")
    ap.add_argument("--trials", type=int, default=0, help="stop after this many trials in all")
    ap.add_argument("--minutes", type=float, default=0.0, help="stop after this long")
    ap.add_argument("--random-trials", type=int, default=8,
                    help="random candidates before the local search (default 8)")
    ap.add_argument("--results", default=os.path.join(ROOT, "out", "tune.jsonl"))
    ap.add_argument("--resume", action="store_true", help="continue the results file")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="candidates compiled at once")
    ap.add_argument("--reps", type=int, default=7, help="timed calls per layer (median)")
    ap.add_argument("--processes", type=int, default=2,
                    help="timing processes per trial; each layer keeps its fastest median "
                         "(on this shared machine a whole process is sometimes 2x slow)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--autoschedulers", default="",
                    help="comma-separated Halide autoschedulers to time as baselines "
                         "(CPU: Adams2019, Mullapudi2016, Li2018; GPU: Anderson2021, "
                         "Mullapudi2016)")
    ap.add_argument("--autoscheduler-param", action="append", default=[],
                    metavar="NAME.KEY=VALUE",
                    help="a parameter for one autoscheduler, e.g. Adams2019.beam_size=32 "
                         "(repeatable; replaces the default in AUTOSCHEDULER_PARAMS)")
    ap.add_argument("--candidate", action="append", default=[], metavar="KNOB=V,KNOB=V",
                    help="knobs to try before the random and local search (repeatable)")
    ap.add_argument("--schedule-out", help="write the best knobs here, for -DCONVT_SCHEDULE")
    ap.add_argument("--plot", help="draw best-so-far time against trials per layer (PNG)")
    ap.add_argument("--table", help="write the hand / tuned / autoscheduler table (Markdown)")
    ap.add_argument("--wrong-trial", type=int, default=-1,
                    help="(self-test) corrupt this trial's output, to show the check discards it")
    batch = ap.add_argument_group(
        "batches, for a device without Halide (a GPU machine): compile here, time there, merge here")
    batch.add_argument("--batch-out", metavar="DIR",
                       help="compile the next --trials candidates (after those in --results) "
                            "into DIR, with what timing them needs; time nothing")
    batch.add_argument("--time-batch", metavar="DIR",
                       help="time the candidates of a --batch-out DIR (needs no Halide and no "
                            "build); writes DIR/times.jsonl")
    batch.add_argument("--merge-batch", metavar="DIR",
                       help="add a timed batch's trials to --results, then report as usual")
    a = ap.parse_args(argv)
    if a.time_batch:
        return a
    if a.trials <= 0 and a.minutes <= 0 and not a.merge_batch:
        ap.error("give a budget: --trials N or --minutes M")
    for name in filter(None, a.autoschedulers.split(",")):
        if name not in AUTOSCHEDULER_LIBS:
            ap.error(f"--autoschedulers: unknown autoscheduler {name!r}; known: "
                     + ", ".join(sorted(AUTOSCHEDULER_LIBS)))
    for c in a.candidate:
        for kv in c.split(","):
            name, _, value = kv.partition("=")
            if not value.isdigit():
                ap.error(f"--candidate {c}: expected KNOB=INTEGER pairs, comma-separated")
    for p in a.autoscheduler_param:
        name, _, kv = p.partition(".")
        if name not in AUTOSCHEDULER_LIBS or "=" not in kv:
            ap.error(f"--autoscheduler-param {p}: expected NAME.KEY=VALUE with NAME one of "
                     + ", ".join(sorted(AUTOSCHEDULER_LIBS)))
    return a


class Progress:
    """One status line on stderr: a bar, the best so far and an ETA."""

    def __init__(self, total_trials, minutes, already_done):
        self.total, self.minutes, self.start = total_trials, minutes, time.time()
        self.already = already_done  # trials of a resumed run: not in this run's rate

    def update(self, done, best):
        elapsed = time.time() - self.start
        fractions = []
        if self.total > self.already:
            fractions.append((done - self.already) / (self.total - self.already))
        if self.minutes:
            fractions.append(elapsed / (60 * self.minutes))
        frac = min(1.0, max(fractions)) if fractions else 0.0
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
        best_s = f"best {best:.3f} ms" if best is not None else "best -"
        eta_s = f"ETA {int(eta // 60)}m{int(eta % 60):02d}s" if math.isfinite(eta) else "ETA ?"
        sys.stderr.write(f"\r[{bar}] {done} trials, {best_s} (geomean), {eta_s}   ")
        sys.stderr.flush()

    def finish(self):
        sys.stderr.write("\n")


def score(record):
    """Geometric mean of the layer times, or None for a failed trial."""
    if record.get("status") != "ok":
        return None
    return geomean(list(record["layers"].values()))


class Tuner:
    def __init__(self, args):
        self.a = args
        self.flavour, self.space, self.isa_cap = TARGETS[args.target]
        link_path = os.path.join(args.build, "tuning", "trial_link.json")
        if not os.path.exists(link_path):
            sys.exit(f"tune: {link_path} is missing: build convt first (bash scripts/build.sh)")
        with open(link_path) as f:
            self.link = json.load(f)
        # Why candidates are compiled but not timed here (None: timed).
        self.untimed = None
        if self.flavour == "arm_neon":
            self.halide_target = ARM_HALIDE_TARGET + "-no_runtime"
            self.untimed = "not timed: no AArch64 hardware here"
        elif self.flavour in self.link["kernels"]:
            self.halide_target = self.link["targets"][self.flavour] + "-no_runtime"
        else:
            sys.exit(f"tune: the build in {args.build} has no {self.flavour} kernels")
        if self.flavour in CUDA_FLAVOURS and not args.batch_out:
            probe = subprocess.run([os.path.join(args.build, "tuning", "convt_trial"),
                                    "--device", "cuda", "--probe"], capture_output=True, text=True)
            if probe.returncode != 0:
                self.untimed = "not timed: " + last_lines(probe.stderr)
                print(f"tune: {self.untimed.strip()}; candidates are compiled only",
                      file=sys.stderr)
        self.tile_orders = self.orders_to_build()
        os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
        self.work = tempfile.mkdtemp(prefix="convt-tune-", dir=os.path.dirname(args.results) or ".")
        self.ref_dir = os.path.join(os.path.dirname(os.path.abspath(args.results)), "tune-reference")
        os.makedirs(self.ref_dir, exist_ok=True)
        self.context = {
            "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.platform()},
            "tile_orders": self.tile_orders,
            "versions": {"halide": halide_version(), "convt": git_commit()},
            "halide_target": self.halide_target,
            "layers_file": os.path.abspath(args.shapes),
        }

    # --- candidates ----------------------------------------------------------
    def orders_to_build(self):
        """The tile orders a CPU candidate is generated in. Where its
        trials are timed here, the orders the runtime runs for the chosen
        layers on this machine (convt_trial --tile-orders: the rules' order
        per layer, or every candidate's under CONVT_PLAN=measure); the
        build's own kernels stand in for the others, which no trial calls.
        Each order is a generator run of about half a minute, so a trial on
        a few layers builds several times faster. Every order where the
        trials are not timed here (arm-neon, --batch-out). None for the GPU
        flavours, which have no tile orders."""
        if self.flavour in GPU_FLAVOURS:
            return None
        every = list(range(self.link["tile_orders"]))
        if self.untimed or self.a.batch_out:
            return every
        env = dict(os.environ)
        if self.isa_cap:
            env["CONVT_MAX_CPU_ISA"] = self.isa_cap
        cmd = [os.path.join(self.a.build, "tuning", "convt_trial"), "--tile-orders",
               "--shapes", self.a.shapes] + [x for l in self.a.layer for x in ("--layer", l)]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.exit("tune: convt_trial --tile-orders failed: " + last_lines(r.stderr))
        rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        return sorted({k for row in rows for k in row["tile_orders"]})

    def build(self, trial, kind, knobs):
        """Runs the generator (and the link) for one candidate:
        (dir, error or None, seconds it took)."""
        t0 = time.time()
        out, error = self._build(trial, kind, knobs)
        return out, error, round(time.time() - t0, 1)

    def _build(self, trial, kind, knobs):
        out = os.path.join(self.work, f"t{trial}")
        os.makedirs(out, exist_ok=True)
        # The hand trial is the build's own kernel where the build set no
        # knobs for this flavour: the same generator runs, already done.
        built_knobs = self.link.get("knobs", {}).get(self.flavour)
        if kind == "hand" and not self.untimed and built_knobs == "":
            return self._link(out, [self.link["kernels"][self.flavour]])
        params = [f"target={self.halide_target}"]
        # The flavour's own generator parameters (which GPU kernel it is).
        params += self.link.get("params", {}).get(self.flavour, "").split()
        params += [f"{k}={v}" for k, v in sorted(knobs.items())]
        autoscheduled = kind.startswith("autoscheduler:")
        if autoscheduled:
            params += autoscheduler_args(kind.split(":", 1)[1], self.layers_for_estimates(),
                                         self.a.autoscheduler_param,
                                         gpu=self.flavour in GPU_FLAVOURS)
        # A CPU flavour is one pipeline per tile order, as the build makes it
        # (cmake/ConvtCpuKernels.cmake). An autoscheduled pipeline ignores
        # the order: one generator run, whose function the link also gives
        # every other order's name.
        # A knob trial builds self.tile_orders, the build's own library
        # linked after them for any other order.
        fn = f"convt_{self.flavour}"
        orders = 0 if self.flavour in GPU_FLAVOURS else self.link["tile_orders"]
        stand_ins = []
        if not orders:
            runs = [(fn, [])]
        elif autoscheduled:
            runs = [(f"{fn}_order0", [])]
        else:
            runs = [(f"{fn}_order{k}", [f"fixed_tile_order={k}"]) for k in self.tile_orders]
            if len(self.tile_orders) < orders:
                stand_ins = [self.link["kernels"][self.flavour]]
        aliases = [f"-Wl,--defsym={fn}_order{k}={fn}_order0"
                   for k in range(1, orders)] if autoscheduled else []

        def generate(i):
            name, extra = runs[i]
            gen = [self.link["generator"], "-g", "conv_transpose2d", "-f", name,
                   "-n", f"kernel{i}", "-e", "static_library,c_header", "-o", out]
            return subprocess.run(gen + params + extra, capture_output=True, text=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.a.jobs)) as pool:
            results = list(pool.map(generate, range(len(runs))))
        for r in results:
            if r.returncode != 0:
                return out, "generator failed: " + last_lines(r.stderr + r.stdout)
        if self.untimed:
            return out, None
        return self._link(out, [os.path.join(out, f"kernel{i}.a") for i in range(len(runs))] +
                          stand_ins, aliases)

    def _link(self, out, libraries, flags=()):
        """Links convt_trial in `out` with `libraries` as this flavour's
        kernel (and linker `flags`)."""
        kernels = [p for f, path in self.link["kernels"].items()
                   for p in (libraries if f == self.flavour else [path])]
        exe = os.path.join(out, "convt_trial")
        ld = [self.link["cxx"], "-o", exe] + self.link["objects"] + [self.link["convt"]] + \
            kernels + [self.link["runtime"]] + self.link["libs"] + list(flags)
        r = subprocess.run(ld, capture_output=True, text=True)
        if r.returncode != 0:
            return out, "link failed: " + last_lines(r.stderr)
        return out, None

    def layers_for_estimates(self):
        with open(self.a.shapes) as f:
            layers = json.load(f)["layers"]
        chosen = [l for l in layers if not self.a.layer or l["name"] in self.a.layer]
        return chosen[0]  # autoschedulers tune for one shape: the first layer

    def measure(self, exe, trial):
        return measure_trial(exe, trial, self.flavour, self.isa_cap, self.a.shapes, self.a.layer,
                             self.a.reps, self.a.processes, self.ref_dir,
                             trial == self.a.wrong_trial)


    # --- search --------------------------------------------------------------
    def random_knobs(self, rng):
        return {k: rng.choice(v) for k, v in self.space.items()}

    def neighbour(self, knobs, rng):
        """The best knobs with one or two of them moved to an adjacent value."""
        new = dict(knobs)
        for name in rng.sample(sorted(self.space), rng.choice([1, 1, 2])):
            values = self.space[name]
            i = values.index(new[name]) if new.get(name) in values else 0
            new[name] = values[max(0, min(len(values) - 1, i + rng.choice([-1, 1])))]
        return new

    def load_records(self, resume):
        a = self.a
        records = []
        if resume and os.path.exists(a.results):
            with open(a.results) as f:
                records = [json.loads(line) for line in f if line.strip()]
            print(f"tune: resuming after {len(records)} trials in {a.results}", file=sys.stderr)
        elif os.path.exists(a.results):
            os.remove(a.results)
        os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
        return records

    def candidate_source(self, records):
        """A function giving the next `count` candidates (kind, knobs): the
        hand schedule and the autoschedulers first (once each), then random
        knobs, then neighbours of the best so far; never one already tried."""
        a = self.a
        seen = {json.dumps(dict(self.space_defaults(), **r["knobs"]), sort_keys=True)
                for r in records if r["kind"] in ("hand", "tuned")}
        seen.add(json.dumps(self.space_defaults(), sort_keys=True))  # the hand schedule
        done_kinds = {r["kind"] for r in records}
        queue = [("hand", {})] if "hand" not in done_kinds else []
        for name in filter(None, a.autoschedulers.split(",")):
            if f"autoscheduler:{name}" not in done_kinds:
                queue.append((f"autoscheduler:{name}", {}))
        for c in a.candidate:
            knobs = {k: int(v) for k, _, v in (kv.partition("=") for kv in c.split(","))}
            unknown = sorted(set(knobs) - set(self.space))
            if unknown:
                sys.exit(f"tune: --candidate {c}: not knobs of {a.target}: {', '.join(unknown)}")
            key = json.dumps(dict(self.space_defaults(), **knobs), sort_keys=True)
            if key not in seen:
                seen.add(key)
                queue.append(("tuned", knobs))
        rng = random.Random(a.seed + len(records))

        def next_candidates(count):
            batch = list(queue[:count])
            del queue[:count]
            tries = 0
            while len(batch) < count and tries < 1000:
                tries += 1
                n_tuned = sum(r["kind"] == "tuned" for r in records) + \
                    sum(k == "tuned" for k, _ in batch)
                best = self.best_record(records, ("hand", "tuned"))
                if n_tuned < a.random_trials or best is None:
                    knobs = self.random_knobs(rng)
                else:
                    knobs = self.neighbour(dict(self.space_defaults(), **best["knobs"]), rng)
                key = json.dumps(dict(self.space_defaults(), **knobs), sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                batch.append(("tuned", knobs))
            return batch
        return next_candidates

    def record(self, trial, kind, knobs, compile_s):
        return dict(self.context, trial=trial, kind=kind, knobs=knobs,
                    time=datetime.datetime.now().isoformat(timespec="seconds"),
                    compile_s=compile_s)

    def append(self, records, rec, progress=None):
        records.append(rec)
        with open(self.a.results, "a") as f:
            f.write(json.dumps(rec) + "\n")
        if rec["status"] not in ("ok", "compiled"):
            sys.stderr.write(f"\ntrial {rec['trial']} ({rec['kind']}) {rec['status']}: "
                             f"{rec.get('error', '')}\n")
        if progress:
            progress.update(len(records), self.best_score(records))

    def run(self):
        a = self.a
        if a.batch_out:
            return self.compile_batch()
        if a.merge_batch:
            return self.merge_batch()
        records = self.load_records(a.resume)
        next_candidates = self.candidate_source(records)
        start = time.time()
        progress = Progress(a.trials, a.minutes, len(records))
        progress.update(len(records), self.best_score(records))

        def budget_left():
            if a.trials and len(records) >= a.trials:
                return False
            return not (a.minutes and time.time() - start > 60 * a.minutes)

        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
                while budget_left():
                    room = a.trials - len(records) if a.trials else a.jobs
                    batch = next_candidates(max(1, min(a.jobs, room)))
                    if not batch:
                        break
                    first = len(records)
                    builds = [pool.submit(self.build, first + i, kind, knobs)
                              for i, (kind, knobs) in enumerate(batch)]
                    # Every build of the batch finishes before any is timed: a
                    # trial timed beside a running compile shares the cores with
                    # it (the hand schedule, which compiles nothing, came out
                    # 2.3x slow beside the next candidate's build).
                    built = [fut.result() for fut in builds]
                    for i, ((kind, knobs), (out, error, compile_s)) in enumerate(zip(batch, built)):
                        trial = first + i
                        rec = self.record(trial, kind, knobs, compile_s)
                        if error:
                            rec.update(status="compile_error", layers={}, error=error)
                        elif self.untimed:
                            rec.update(status="compiled", layers={}, error=self.untimed)
                        else:
                            status, layers, errs, msg = self.measure(
                                os.path.join(out, "convt_trial"), trial)
                            rec.update(status=status, layers=layers, rel_err=errs)
                            if msg:
                                rec["error"] = msg
                        shutil.rmtree(out, ignore_errors=True)
                        self.append(records, rec, progress)
        except KeyboardInterrupt:
            progress.finish()
            print(f"tune: stopped; --resume continues from {a.results}", file=sys.stderr)
            return 130
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        progress.finish()
        self.report(records)
        return 0

    def report(self, records):
        self.summarize(records)
        table = comparison_table(records)
        print(table)
        if self.a.table:
            with open(self.a.table, "w") as f:
                f.write(table + "\n")
        if self.a.plot:
            plot_best_so_far(records, self.a.plot, self.a.target)

    # --- batches: compile here, time on another machine, merge here ---------
    def compile_batch(self):
        """Builds the next --trials candidates into --batch-out: one
        convt_trial per candidate, the layers file, and batch.json saying what
        each is. Nothing is timed; the results file is only read."""
        a = self.a
        records = self.load_records(resume=True)
        out_dir = os.path.abspath(a.batch_out)
        os.makedirs(out_dir, exist_ok=True)
        shutil.copyfile(a.shapes, os.path.join(out_dir, "layers.json"))
        batch = self.candidate_source(records)(max(1, a.trials))
        first = len(records)
        candidates = []
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
                builds = [pool.submit(self.build, first + i, kind, knobs)
                          for i, (kind, knobs) in enumerate(batch)]
                for i, ((kind, knobs), fut) in enumerate(zip(batch, builds)):
                    out, error, compile_s = fut.result()
                    c = self.record(first + i, kind, knobs, compile_s)
                    if error:
                        c.update(status="compile_error", error=error)
                    else:
                        exe = f"t{first + i}/convt_trial"
                        os.makedirs(os.path.join(out_dir, f"t{first + i}"), exist_ok=True)
                        shutil.copy2(os.path.join(out, "convt_trial"), os.path.join(out_dir, exe))
                        c["exe"] = exe
                    candidates.append(c)
                    shutil.rmtree(out, ignore_errors=True)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        with open(os.path.join(out_dir, "batch.json"), "w") as f:
            json.dump({"flavour": self.flavour, "layers": a.layer, "reps": a.reps,
                       "processes": a.processes, "wrong_trial": a.wrong_trial,
                       "candidates": candidates}, f, indent=1)
        built = sum("exe" in c for c in candidates)
        print(f"tune: {built} of {len(candidates)} candidates built into {out_dir}; time them "
              f"where the kernels run with: python3 tuning/tune.py --time-batch {out_dir}")
        return 0

    def merge_batch(self):
        a = self.a
        records = self.load_records(resume=True)
        with open(os.path.join(a.merge_batch, "batch.json")) as f:
            batch = json.load(f)
        times = {}
        times_path = os.path.join(a.merge_batch, "times.jsonl")
        if os.path.exists(times_path):
            with open(times_path) as f:
                for line in f:
                    if line.strip():
                        t = json.loads(line)
                        times[t["trial"]] = t
        known = {r["trial"] for r in records}
        added = 0
        for c in batch["candidates"]:
            if c["trial"] in known:
                continue
            rec = {k: v for k, v in c.items() if k != "exe"}
            if rec.get("status") != "compile_error":
                t = times.get(c["trial"])
                if t is None:
                    rec.update(status="run_error", layers={}, error="not timed in the batch")
                else:
                    rec.update({k: v for k, v in t.items() if k != "trial"})
                    rec["machine"] = t.get("machine", rec["machine"])
            else:
                rec["layers"] = {}
            self.append(records, rec)
            added += 1
        print(f"tune: merged {added} trials from {a.merge_batch} into {a.results}")
        shutil.rmtree(self.work, ignore_errors=True)
        self.report(records)
        return 0

    def space_defaults(self):
        return {k: 0 for k in self.space}  # the hand schedule

    def best_record(self, records, kinds=("tuned",)):
        scored = [(score(r), r) for r in records if r["kind"] in kinds and score(r)]
        return min(scored, key=lambda sr: sr[0])[1] if scored else None

    def best_score(self, records):
        scored = [score(r) for r in records if score(r)]
        return min(scored) if scored else None

    def summarize(self, records):
        hand = next((r for r in records if r["kind"] == "hand" and score(r)), None)
        best = self.best_record(records)
        counts = {}
        for r in records:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        print(f"tune: {len(records)} trials ({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}) "
              f"in {self.a.results}")
        if hand:
            print(f"tune: hand schedule {score(hand):.3f} ms (geomean)")
        if best:
            print(f"tune: best tuned  {score(best):.3f} ms (geomean), trial {best['trial']}: "
                  + " ".join(f"{k}={v}" for k, v in sorted(best["knobs"].items())))
        if self.a.schedule_out:
            winner = best if best and (not hand or score(best) < score(hand)) else None
            knobs = {k: v for k, v in winner["knobs"].items() if v} if winner else {}
            with open(self.a.schedule_out, "w") as f:
                json.dump({self.flavour: knobs}, f, indent=1, sort_keys=True)
                f.write("\n")
            what = "tuned knobs" if winner else "the hand schedule (nothing beat it)"
            print(f"tune: wrote {self.a.schedule_out} ({what}); build with "
                  f"-DCONVT_SCHEDULE={os.path.abspath(self.a.schedule_out)}")


def measure_trial(exe, trial, flavour, isa_cap, shapes, layers, reps, processes, ref_dir,
                  perturb):
    """Runs one candidate's convt_trial: (status, per-layer ms, per-layer
    relative error, message). Each layer keeps its fastest of `processes`
    medians; a wrong result is reported, not timed."""
    env = dict(os.environ)
    if isa_cap:
        env["CONVT_MAX_CPU_ISA"] = isa_cap
    if flavour.startswith("opencl"):
        env["CONVT_HOST_KERNEL"] = "opencl"  # host tensors, through PoCL
    cmd = [exe, "--shapes", shapes, "--reps", str(reps), "--ref-dir", ref_dir]
    if flavour in CUDA_FLAVOURS:
        cmd += ["--device", "cuda"]
    for l in layers:
        cmd += ["--layer", l]
    if perturb:
        cmd.append("--perturb")
    times, errors = {}, {}
    for _ in range(max(1, processes)):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            return "run_error", {}, {}, last_lines(r.stderr)
        rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        errors = {row["layer"]: row["rel_err"] for row in rows}
        if not all(row["ok"] for row in rows):
            bad = [row["layer"] for row in rows if not row["ok"]]
            return "wrong", {}, errors, "differs from the float64 reference: " + ", ".join(bad)
        for row in rows:
            times[row["layer"]] = min(row["ms"], times.get(row["layer"], row["ms"]))
    return "ok", times, errors, ""


def time_batch(batch_dir):
    """--time-batch: times every built candidate of a batch, here, appending
    one line per trial to batch_dir/times.jsonl (a rerun skips trials
    already there). Needs no Halide, no build and no results file."""
    with open(os.path.join(batch_dir, "batch.json")) as f:
        batch = json.load(f)
    times_path = os.path.join(batch_dir, "times.jsonl")
    done = set()
    if os.path.exists(times_path):
        with open(times_path) as f:
            done = {json.loads(line)["trial"] for line in f if line.strip()}
    ref_dir = os.path.join(batch_dir, "reference")
    os.makedirs(ref_dir, exist_ok=True)
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.platform(),
               "gpu": gpu_name()}
    for c in batch["candidates"]:
        if "exe" not in c or c["trial"] in done:
            continue
        t0 = time.time()
        status, layers, errs, msg = measure_trial(
            os.path.join(batch_dir, c["exe"]), c["trial"], batch["flavour"], None,
            os.path.join(batch_dir, "layers.json"), batch["layers"], batch["reps"],
            batch["processes"], ref_dir, c["trial"] == batch["wrong_trial"])
        row = {"trial": c["trial"], "status": status, "layers": layers, "rel_err": errs,
               "machine": machine, "timed_s": round(time.time() - t0, 1)}
        if msg:
            row["error"] = msg
        with open(times_path, "a") as f:
            f.write(json.dumps(row) + "\n")
        shown = " ".join(f"{k} {v:.3f}" for k, v in layers.items())
        print(f"trial {c['trial']} {c['kind']} {c['knobs']}: {status} {shown} {msg}", flush=True)
    return 0


def gpu_name():
    r = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                       capture_output=True, text=True) if shutil.which("nvidia-smi") else None
    return r.stdout.strip().splitlines()[0] if r and r.returncode == 0 and r.stdout.strip() else ""


def autoscheduler_args(name, layer, overrides, gpu):
    """Generator arguments that schedule the pipeline with a Halide
    autoscheduler plugin, for the estimated shapes of `layer`; `overrides`
    are --autoscheduler-param values (NAME.KEY=VALUE). For a GPU target the
    parallelism is 128 blocks (an H100 has 132 multiprocessors) rather than
    the host's cores."""
    lib = AUTOSCHEDULER_LIBS[name]
    import halide  # the wheel's plugins sit beside libHalide
    libdir = os.path.join(os.path.dirname(halide.__file__), "lib64")
    if not os.path.isdir(libdir):
        libdir = os.path.join(os.path.dirname(halide.__file__), "lib")
    out = [(layer[d] - 1) * layer["stride"][a] - 2 * layer["padding"][a] +
           layer["dilation"][a] * (layer["kernel"][a] - 1) + layer["output_padding"][a] + 1
           for a, d in enumerate(("H", "W"))]
    est = {"est_n": layer["N"], "est_c_in": layer["C_in"], "est_h": layer["H"],
           "est_w": layer["W"], "est_c_out": layer["C_out"], "est_kh": layer["kernel"][0],
           "est_kw": layer["kernel"][1], "est_stride_y": layer["stride"][0],
           "est_stride_x": layer["stride"][1], "est_padding_y": layer["padding"][0],
           "est_padding_x": layer["padding"][1], "est_out_h": out[0], "est_out_w": out[1],
           "est_groups": layer["groups"]}
    parallelism = 128 if gpu else os.cpu_count() or 1
    params = {"parallelism": str(parallelism), **AUTOSCHEDULER_PARAMS.get(name, {}),
              **(AUTOSCHEDULER_GPU_PARAMS.get(name, {}) if gpu else {})}
    for o in overrides:
        who, _, kv = o.partition(".")
        if who == name:
            key, _, value = kv.partition("=")
            params[key] = value
    return ["-p", os.path.join(libdir, f"libautoschedule_{lib}.so"), f"autoscheduler={name}"] + \
        [f"autoscheduler.{k}={v}" for k, v in sorted(params.items())] + \
        [f"{k}={v}" for k, v in est.items()]


def comparison_table(records):
    """Markdown: per layer, the hand schedule, the best tuned trial and each
    autoscheduler (ms; or why there is no time)."""
    layers = []
    for r in records:
        for name in r.get("layers", {}):
            if name not in layers:
                layers.append(name)
    columns = [("hand", [r for r in records if r["kind"] == "hand"])]
    tuned = [r for r in records if r["kind"] == "tuned"]
    columns.append(("best tuned", tuned))
    for kind in sorted({r["kind"] for r in records if r["kind"].startswith("autoscheduler:")}):
        columns.append((kind.split(":", 1)[1], [r for r in records if r["kind"] == kind]))
    best_tuned = min((r for r in tuned if score(r)), key=score, default=None)

    def cell(name, rows, layer):
        if name == "best tuned":
            rows = [best_tuned] if best_tuned else rows
        ok = [r for r in rows if r and r["status"] == "ok"]
        if ok:
            return f"{ok[0]['layers'][layer]:.3f}"
        if rows and rows[0]:
            return rows[0]["status"].replace("_", " ")
        return "-"

    lines = ["| layer | " + " | ".join(name + " ms" for name, _ in columns) + " |",
             "| --- |" + " ---: |" * len(columns)]
    for layer in layers:
        lines.append(f"| {layer} | " + " | ".join(cell(n, rows, layer) for n, rows in columns) + " |")
    return "\n".join(lines)


def plot_best_so_far(records, path, target):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("tune: no matplotlib here (bash scripts/setup.sh installs it); no plot", file=sys.stderr)
        return
    layers = sorted({name for r in records for name in r.get("layers", {})})
    fig, ax = plt.subplots(figsize=(7, 4))
    hand = next((r for r in records if r["kind"] == "hand" and score(r)), None)
    for layer in layers:
        xs, ys, best = [], [], None
        for r in records:
            if r["kind"] == "tuned" and r["status"] == "ok":
                t = r["layers"][layer]
                best = t if best is None else min(best, t)
            if best is not None:
                xs.append(r["trial"])
                ys.append(best)
        line, = ax.plot(xs, ys, label=f"{layer} (tuned)")
        if hand:
            ax.axhline(hand["layers"][layer], linestyle="--", color=line.get_color(),
                       label=f"{layer} (hand)")
    ax.set_xlabel("trial")
    ax.set_ylabel("best time so far (ms)")
    ax.set_yscale("log")
    ax.set_title(f"convt schedule search, {target}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"tune: plot in {path}")


def last_lines(text, n=6):
    return " | ".join(text.strip().splitlines()[-n:])


def halide_version():
    try:
        import importlib.metadata
        return importlib.metadata.version("halide")
    except Exception:  # noqa: BLE001 - the version is informative only
        return "unknown"


def git_commit():
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def main(argv):
    a = parse_args(argv)
    if a.time_batch:
        return time_batch(a.time_batch)
    return Tuner(a).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
