#!/usr/bin/env python3
"""A tiny tuning run, as CTest's tuner_smoke: three trials on one small
layer, the second deliberately corrupted, must complete, write a valid
results file and schedule file, log and discard the wrong trial, and resume
to a fourth trial without redoing the first three.

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


def tune(build, results, schedule, trials, resume):
    cmd = [sys.executable, os.path.join(HERE, "tune.py"), "--build", build, "--target", "x86-avx2",
           "--layer", "seed_example", "--trials", str(trials), "--random-trials", "2",
           "--wrong-trial", "1", "--reps", "3", "--results", results, "--schedule-out", schedule]
    if resume:
        cmd.append("--resume")
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
        log = tune(a.build, results, schedule, 3, False)
        first = read(results)
        if [r["trial"] for r in first] != [0, 1, 2]:
            failures.append(f"trials {[r['trial'] for r in first]}, expected [0, 1, 2]")
        for r in first:
            if not FIELDS <= r.keys():
                failures.append(f"trial {r['trial']} lacks {sorted(FIELDS - r.keys())}")
        statuses = [r["status"] for r in first]
        if statuses[:2] != ["ok", "wrong"] or first[0]["kind"] != "hand":
            failures.append(f"statuses {statuses}: expected the hand schedule ok, trial 1 wrong")
        if first[0]["status"] == "ok" and not first[0]["layers"].get("seed_example", 0) > 0:
            failures.append("the hand schedule has no time for seed_example")
        if "trial 1 (tuned) wrong" not in log:
            failures.append("the wrong trial was not logged")
        with open(schedule) as f:
            if list(json.load(f)) != ["x86_avx2"]:
                failures.append("the schedule file is not keyed by x86_avx2")
        tune(a.build, results, schedule, 4, True)
        second = read(results)
        if [r["trial"] for r in second] != [0, 1, 2, 3] or second[:3] != first:
            failures.append("resuming did not keep the first three trials and add one")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
