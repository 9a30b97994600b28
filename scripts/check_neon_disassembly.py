#!/usr/bin/env python3
"""Checks that the NEON kernel's hot loops are vectorized, from its disassembly.

Halide outlines each parallel loop body into its own function, so every
specialization of an output update is one closure (named
<entry>_par_for_conv_transpose2d_s<update>_...) plus the closures it hands to
halide_do_par_for. The kernel's entry functions are <kernel> itself or, for a
kernel built per tile order, <kernel>_order<N>. For each specialization this script finds the innermost
loops (backward branches that enclose no other) and requires:

  - at least one innermost loop whose multiply-adds are fmla on .4s vectors;
  - no innermost loop doing float multiplies in scalar registers.

It also reports q registers stored to or loaded from the stack inside fmla
loops (register pressure), without failing on them: the depthwise and
general-dilation paths store their accumulators each iteration.

Usage: check_neon_disassembly.py --objdump aarch64-linux-gnu-objdump \
           --library libconvt_arm_neon.a --kernel convt_arm_neon \
           --updates generators/conv_transpose2d_algorithm.h \
           --expect kByX=13 --expect kByChannel=7
where --expect U=N says the kernel's entry functions hand N closures of output
update U to halide_do_par_for: one or more per specialization (Halide can
split a specialization's loop nest in two), a count fixed by the schedule, so
a schedule that stops specializing is noticed. U is a name of the
OutputUpdate enum, read from the --updates header, or a Halide stage number.
"""
import argparse
import re
import subprocess
import sys
from collections import defaultdict

FUNC_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
RELOC_RE = re.compile(r"^\s*[0-9a-f]+: R_AARCH64_\S+\s+(\S+)")
BRANCH_RE = re.compile(r"^(b|b\.\w+|cbn?z|tbn?z)$")
TARGET_RE = re.compile(r"\b([0-9a-f]+) <")
FP_MUL_RE = re.compile(r"^(fmla|fmls|fmadd|fmsub|fnmadd|fnmsub|fmul)$")
VECTOR_4S_RE = re.compile(r"^v\d+\.4s")
SPILL_RE = re.compile(r"^(ldr|str|ldp|stp|ldur|stur)$")
UPDATE_RE = re.compile(r"^\s*(k\w+)\s*=\s*(\d+),")


def parse(objdump, library):
    """Returns {function: [(addr, mnemonic, operands)]} and {function: {referenced symbols}}."""
    text = subprocess.run([objdump, "-dr", "--no-show-raw-insn", library], check=True,
                          capture_output=True, text=True).stdout
    code, refs = defaultdict(list), defaultdict(set)
    current = None
    for line in text.splitlines():
        m = FUNC_RE.match(line)
        if m:
            current = m.group(1)
            continue
        if current is None:
            continue
        m = RELOC_RE.match(line)
        if m:
            refs[current].add(m.group(1))
            continue
        m = INSN_RE.match(line)
        if m:
            code[current].append((int(m.group(1), 16), m.group(2), m.group(3)))
    return code, refs


def innermost_loops(insns):
    """Instruction lists of the loops that contain no other loop.

    A loop is a header (the target of a backward branch) up to its last
    backward branch to it: branches back to one header (a `continue` past a
    skipped tap, say) are the same loop."""
    latest = {}
    for addr, mnemonic, operands in insns:
        if BRANCH_RE.match(mnemonic):
            t = TARGET_RE.search(operands)
            if t and int(t.group(1), 16) <= addr:
                head = int(t.group(1), 16)
                latest[head] = max(addr, latest.get(head, addr))
    spans = list(latest.items())
    inner = [s for s in spans
             if not any(o[0] != s[0] and s[0] <= o[0] and o[1] <= s[1] for o in spans)]
    return [[i for i in insns if lo <= i[0] <= hi] for lo, hi in inner]


def loop_stats(loop):
    vector_fmla = scalar_fp = spills = 0
    for _, mnemonic, operands in loop:
        if FP_MUL_RE.match(mnemonic):
            if mnemonic == "fmla" and VECTOR_4S_RE.match(operands):
                vector_fmla += 1
            elif not re.match(r"^v\d+\.", operands):
                scalar_fp += 1  # s/d registers: a multiply left unvectorized
        if SPILL_RE.match(mnemonic) and "[sp" in operands and re.match(r"^q\d+", operands):
            spills += 1
    return vector_fmla, scalar_fp, spills


def closure_tree(root, refs, kernel):
    """root and every closure reachable from it through halide_do_par_for."""
    seen, todo = [], [root]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.append(f)
        todo += sorted(r for r in refs.get(f, ()) if r.startswith(kernel + "_par_for_"))
    return seen


def output_updates(header):
    """OutputUpdate's names and values, from the header both sides share."""
    text = open(header).read()
    body = text[text.index("enum OutputUpdate"):]
    body = body[:body.index("};")]
    return {m.group(1): int(m.group(2))
            for m in (UPDATE_RE.match(line) for line in body.splitlines()) if m}


def stage_of(name, updates):
    """Halide numbers a Func's stages from its pure definition: update i is
    stage i + 1."""
    if name.isdigit():
        return int(name)
    if name not in updates:
        raise SystemExit(f"unknown output update {name!r}; known: {sorted(updates)}")
    return updates[name] + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objdump", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--updates", help="header defining enum OutputUpdate")
    ap.add_argument("--expect", action="append", default=[], metavar="UPDATE=COUNT")
    args = ap.parse_args()
    updates = output_updates(args.updates) if args.updates else {}

    code, refs = parse(args.objdump, args.library)
    entry_re = re.compile(re.escape(args.kernel) + r"(_order\d+)?$")
    entries = sorted(f for f in code if entry_re.match(f))
    failures = [] if entries else [f"no entry function {args.kernel} in {args.library}"]
    for spec in args.expect:
        update, count = spec.split("=")
        count = int(count)
        # A specialization's closure is an update's outermost parallel loop:
        # referenced by an entry function itself.
        roots = []
        for entry in entries:
            prefix = f"{entry}_par_for_conv_transpose2d_s{stage_of(update, updates)}_"
            roots += [(entry, r) for r in sorted(refs.get(entry, ())) if r.startswith(prefix)]
        print(f"update {update}: {len(roots)} parallel closures (expected {count})")
        if len(roots) != count:
            failures.append(f"update {update}: {len(roots)} parallel closures, expected {count}")
        for entry, root in roots:
            funcs = closure_tree(root, refs, entry)
            loops = [loop_stats(loop) for f in funcs for loop in innermost_loops(code[f])]
            fmla_loops = [l for l in loops if l[0] > 0]
            hottest = max((l[0] for l in loops), default=0)
            scalar = sum(l[1] for l in loops)
            spills = sum(l[2] for l in fmla_loops)
            print(f"  {root}: {len(funcs)} closures, {len(loops)} innermost loops, "
                  f"{len(fmla_loops)} with fmla .4s (up to {hottest} per iteration), "
                  f"{scalar} scalar FP multiplies, {spills} q-register stack accesses")
            if not fmla_loops:
                failures.append(f"{root}: no innermost loop uses fmla on .4s vectors")
            if scalar:
                failures.append(f"{root}: {scalar} scalar float multiplies in innermost loops")
    for f in failures:
        print("FAIL:", f)
    if not args.expect:
        print("FAIL: nothing checked (no --expect)")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
