#!/usr/bin/env python3
"""A tiny tuning run, as CTest's tuner_smoke, on one small layer: the hand
schedule (the build's own kernel), two autoscheduler baselines and a knob
trial deliberately corrupted. It must complete, write a valid results file,
table and schedule file, time both autoschedulers' kernels, log and discard
the wrong trial, and resume to a fifth trial, a knob trial that must be
checked and timed, without redoing the first four. The knob trials are
built only in the tile order seed_example runs.
Where the build has the OpenCL kernels, a second run searches the GPU knobs
through PoCL: the hand GPU schedule, Anderson2021 and one knob trial must be
checked and timed; then a batch of two gemm_split candidates is compiled
(--batch-out), timed (--time-batch) and merged (--merge-batch), as it would
be for a GPU machine without Halide. With the CUDA kernels, the hand CUDA
trial must be timed where a device is usable, or else compiled and say why
it was not timed.

  python3 tuning/test_tune.py --build build
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = {"trial", "kind", "knobs", "status", "layers", "machine", "versions", "halide_target"}
AUTOSCHEDULERS = ["Adams2019", "Mullapudi2016"]
KINDS = ["hand"] + [f"autoscheduler:{n}" for n in AUTOSCHEDULERS] + ["tuned"]


def tune(build, results, schedule, table, trials, resume):
    return run_tune(["--build", build, "--target", "x86-avx2", "--layer", "seed_example",
                     "--trials", str(trials), "--random-trials", "2",
                     "--autoschedulers", ",".join(AUTOSCHEDULERS), "--wrong-trial", "3",
                     "--reps", "3", "--results", results, "--schedule-out", schedule,
                     "--table", table] + (["--resume"] if resume else []))


def run_tune(args):
    cmd = [sys.executable, os.path.join(HERE, "tune.py")] + args
    r = subprocess.run(cmd, capture_output=True, text=True)
    print(r.stdout + r.stderr)
    if r.returncode != 0:
        sys.exit(f"FAIL: tune.py exited {r.returncode}")
    return r.stdout + r.stderr


def read(results):
    with open(results) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        results, schedule = os.path.join(tmp, "r.jsonl"), os.path.join(tmp, "s.json")
        table = os.path.join(tmp, "t.md")
        log = tune(a.build, results, schedule, table, 4, False)
        first = read(results)
        if [r["trial"] for r in first] != list(range(4)):
            failures.append(f"trials {[r['trial'] for r in first]}, expected 0 to 3")
        if [r["kind"] for r in first] != KINDS:
            failures.append(f"kinds {[r['kind'] for r in first]}, expected {KINDS}")
        # seed_example runs one tile order under the rules: the knob trials
        # are built in that order alone, the build's kernels linked for the
        # rest (trial 4 below must still be checked and timed).
        with open(os.path.join(a.build, "tuning", "trial_link.json")) as f:
            every_order = json.load(f)["tile_orders"]
        built = first[0].get("tile_orders")
        if not isinstance(built, list) or not 0 < len(built) < every_order:
            failures.append(f"knob trials built in tile orders {built}: expected the one "
                            f"seed_example runs, of {every_order}")
        for r in first:
            if not FIELDS <= r.keys():
                failures.append(f"trial {r['trial']} lacks {sorted(FIELDS - r.keys())}")
        statuses = [r["status"] for r in first]
        if statuses[:4] != ["ok", "ok", "ok", "wrong"]:
            failures.append(f"statuses {statuses}: expected hand and autoschedulers ok, "
                            "trial 3 wrong")
        for r in first[:3]:
            if r["status"] == "ok" and not r["layers"].get("seed_example", 0) > 0:
                failures.append(f"trial {r['trial']} ({r['kind']}) has no time for seed_example")
        if "trial 3 (tuned) wrong" not in log:
            failures.append("the wrong trial was not logged")
        with open(table) as f:
            rows = [line.split("|")[1:-1] for line in f if line.startswith("|")]
        header = [c.strip() for c in rows[0]]
        seed = [c.strip() for c in next((r for r in rows if r[0].strip() == "seed_example"), [])]
        for n in AUTOSCHEDULERS:
            col = header.index(f"{n} ms") if f"{n} ms" in header else -1
            if col < 0 or len(seed) <= col or not seed[col].replace(".", "").isdigit():
                failures.append(f"the table has no time for {n}: {header} {seed}")
        with open(schedule) as f:
            if list(json.load(f)) != ["x86_avx2"]:
                failures.append("the schedule file is not keyed by x86_avx2")
        tune(a.build, results, schedule, table, 5, True)
        second = read(results)
        if [r["trial"] for r in second] != list(range(5)) or second[:4] != first:
            failures.append("resuming did not keep the first four trials and add one")
        elif (second[4]["kind"], second[4]["status"]) != ("tuned", "ok") or \
                not second[4]["layers"].get("seed_example", 0) > 0:
            failures.append(f"trial 4: {second[4]['kind']} {second[4]['status']}, "
                            "expected a tuned trial, checked and timed")
        with open(os.path.join(a.build, "tuning", "trial_link.json")) as f:
            kernels = json.load(f)["kernels"]
        if "opencl_gemm" in kernels:
            gpu = os.path.join(tmp, "gpu.jsonl")
            run_tune(["--build", a.build, "--target", "opencl", "--layer", "seed_example",
                      "--layer", "dilated_s1", "--trials", "3", "--autoschedulers", "Anderson2021",
                      "--reps", "2", "--processes", "1", "--results", gpu])
            kinds = [(r["kind"], r["status"]) for r in read(gpu)]
            want = [("hand", "ok"), ("autoscheduler:Anderson2021", "ok")]
            if kinds[:2] != want or len(kinds) != 3 or kinds[2][0] != "tuned":
                failures.append(f"GPU knob run: {kinds}, expected {want} and a tuned trial")
            # A batch, as for a machine without Halide: compiled here, timed
            # (here, through PoCL), merged back into the results file.
            batch = os.path.join(tmp, "batch")
            run_tune(["--build", a.build, "--target", "opencl-split", "--layer", "dilated_s1",
                      "--trials", "2", "--candidate", "gpu_pixels=2", "--reps", "2",
                      "--processes", "1", "--results", gpu + ".split", "--batch-out", batch])
            if read(gpu + ".split") if os.path.exists(gpu + ".split") else []:
                failures.append("--batch-out wrote trials to the results file")
            run_tune(["--time-batch", batch])
            run_tune(["--build", a.build, "--target", "opencl-split", "--results",
                      gpu + ".split", "--merge-batch", batch])
            merged = read(gpu + ".split")
            got = [(r["kind"], r["knobs"], r["status"]) for r in merged]
            if got != [("hand", {}, "ok"), ("tuned", {"gpu_pixels": 2}, "ok")] or \
                    not all(r["layers"].get("dilated_s1", 0) > 0 for r in merged):
                failures.append(f"batch run: {got}, expected the hand trial and gpu_pixels=2, "
                                "both timed")
        else:
            print("no OpenCL kernel in this build: GPU knob run skipped")
        if "cuda_gemm" in kernels:
            # Timed where a CUDA device is usable; elsewhere compiled only,
            # saying why.
            cuda = os.path.join(tmp, "cuda.jsonl")
            run_tune(["--build", a.build, "--target", "cuda", "--layer", "seed_example",
                      "--trials", "1", "--reps", "2", "--processes", "1", "--results", cuda])
            (hand,) = read(cuda)
            timed = hand["status"] == "ok" and hand["layers"].get("seed_example", 0) > 0
            untimed = hand["status"] == "compiled" and "CUDA" in hand.get("error", "")
            if not (timed or untimed):
                failures.append(f"CUDA hand trial: {hand['status']} {hand.get('error', '')}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
