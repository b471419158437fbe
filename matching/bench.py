"""Benchmark the matcher on synthetic UK instances: ``python -m matching.bench --scale all``.

Each scale runs ``match()`` and the reference in separate processes, one after the other, so
that each peak resident size (``ru_maxrss``, the whole process, not only Python objects)
belongs to one solver. Times are wall-clock on one run each. "match" is the public
``match()`` on Cook/Diner objects, validation and conversion included, after one small call
that loads the compiled code (its time is the "first call" line; "compile" is the same call
with an empty numba cache). "reference" starts from the same objects and runs the same
validation and candidate search, then OR-Tools' ``solve_max_flow_with_min_cost``. "floor" is
the KD-tree radius search alone on already-converted arrays. "arrival" is ``match(...,
existing=...)`` after one new diner (or cook) joins a city already matched, median of 20.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from matching import Pairing, match
from matching.candidates import find_candidates, in_range_pairs
from matching.model import Cook, Diner
from matching.prepare import prepare
from matching.reference import ortools_assign
from matching.synth import SCALES, Scale, generate

#: Scales small enough to time 2 x 20 arrivals on.
ARRIVAL_SCALES = ("town", "city")
ARRIVALS = 20


def _say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _reference(cooks: list[Cook], diners: list[Diner]):
    cp, dp = prepare(cooks, diners)
    cand = find_candidates(cp, dp, np.ones(len(dp.ids), bool), np.empty(0, np.int64))
    assert cp.capacity is not None
    chosen = ortools_assign(cand.cook, cand.diner, cand.km, cp.capacity, len(cp.ids), len(dp.ids))
    return cand, chosen


def reference_objective(cooks: list[Cook], diners: list[Diner]) -> tuple[int, float]:
    """Return (matched count, total km) of OR-Tools' optimum on the same candidate graph."""
    cand, chosen = _reference(cooks, diners)
    return len(chosen), float(cand.km[chosen].sum())


def _first_call() -> float:
    """Time one tiny match(): in a fresh process this is loading (or compiling) the code."""
    cooks, diners = generate(Scale("tiny", 30, 100, "CB2", 2), 0)
    t = time.perf_counter()
    match(cooks, diners)
    return time.perf_counter() - t


def _arrivals(scale: Scale, seed: int, cooks, diners, result) -> dict:
    """Median time of match(existing=...) after one more diner (then cook) joins, 20 times.

    Arrivals accumulate, as sign-ups do: each call has one person more than the one before.
    """
    existing = [Pairing(c, d) for c, d, _ in result.pairs]
    extra_cooks, extra_diners = generate(scale, seed + 1)
    top_c = max(c.id for c in cooks)
    top_d = max(d.id for d in diners)
    out = {}
    for kind in ("diner", "cook"):
        times = []
        for k in range(ARRIVALS):
            if kind == "diner":
                diners = [*diners, dataclasses.replace(extra_diners[k], id=top_d + 1 + k)]
            else:
                cooks = [*cooks, dataclasses.replace(extra_cooks[k], id=top_c + 1 + k)]
            t = time.perf_counter()
            match(cooks, diners, existing)
            times.append(time.perf_counter() - t)
        out[f"t_arrive_{kind}"] = statistics.median(times)
    return out


def run_match(name: str, seed: int) -> dict:
    """Run match(), the floor and arrivals for one scale in this process."""
    scale = SCALES[name]
    t_first = _first_call()
    _say(f"{name}: generating {scale.n_cooks:,} cooks / {scale.n_diners:,} diners")
    cooks, diners = generate(scale, seed)
    rss_instance = _peak_mb()
    _say(f"{name}: match()")
    t = time.perf_counter()
    result = match(cooks, diners)
    t_match = time.perf_counter() - t
    rss_match = _peak_mb()
    out = {
        "t_first": t_first,
        "t_match": t_match,
        "matched": len(result.pairs),
        "km": sum(p[2] for p in result.pairs),
        "rss_instance_mb": rss_instance,
        "rss_match_mb": rss_match,
    }
    if name in ARRIVAL_SCALES:
        _say(f"{name}: {ARRIVALS} arrivals of a diner and of a cook")
        out.update(_arrivals(scale, seed, cooks, diners, result))
    del result
    _say(f"{name}: KD-tree floor")
    cp, dp = prepare(cooks, diners)
    assert cp.vetted is not None
    t = time.perf_counter()
    in_range_pairs(cp, np.flatnonzero(cp.vetted), dp, np.arange(len(dp.ids)))
    out["t_floor"] = time.perf_counter() - t
    return out


def run_reference(name: str, seed: int) -> dict:
    """Run the OR-Tools reference for one scale in this process."""
    _first_call()  # the shared candidate search is compiled code too: load it untimed
    cooks, diners = generate(SCALES[name], seed)
    _say(f"{name}: OR-Tools reference")
    t = time.perf_counter()
    cand, chosen = _reference(cooks, diners)
    t_ref = time.perf_counter() - t
    return {
        "t_ref": t_ref,
        "edges": int(len(cand.km)),
        "ref_matched": int(len(chosen)),
        "ref_km": float(cand.km[chosen].sum()),
        "rss_ref_mb": _peak_mb(),
    }


def compile_time() -> float:
    """Time the first call in a fresh process with an empty numba cache (a real compile)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": tmp}
        code = "from matching.bench import _first_call; print(_first_call())"
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, stdout=subprocess.PIPE, text=True
        )
    return float(out.stdout.split()[-1])


def report(r: dict) -> str:
    """Format one scale's measurements."""
    lines = [
        f"== {r['scale']}: {r['cooks']:,} cooks / {r['diners']:,} diners",
        f"  feasible candidate edges  {r['edges']:,}",
        f"  diners matched            {r['matched']:,}  (reference {r['ref_matched']:,})",
        f"  total km                  {r['km']:,.3f}  (reference {r['ref_km']:,.3f})",
        f"  objectives agree          {'yes' if r['agree'] else 'NO'}"
        f"  (|diff| = {abs(r['km'] - r['ref_km']) * 1000:.3f} m)",
        f"  wall time match()         {r['t_match']:.2f} s  (warm)",
        f"  first call (cold)         {r['t_first']:.2f} s  (load compiled code, tiny instance)",
        f"  wall time reference       {r['t_ref']:.2f} s  (OR-Tools, same candidate search)",
        f"  wall time KD-tree floor   {r['t_floor']:.2f} s",
        f"  ratio vs reference        {r['t_match'] / r['t_ref']:.2f}x",
        f"  ratio vs floor            {r['t_match'] / r['t_floor']:.1f}x",
        f"  peak RSS                  {r['rss_match_mb']:,.0f} MB after match()"
        f" (instance objects alone {r['rss_instance_mb']:,.0f} MB;"
        f" reference process {r['rss_ref_mb']:,.0f} MB)",
    ]
    for kind in ("diner", "cook"):
        if f"t_arrive_{kind}" in r:
            t = r[f"t_arrive_{kind}"]
            lines.append(
                f"  one {kind} arrives{' ' * (8 - len(kind))}{t * 1000:.1f} ms median of"
                f" {ARRIVALS}  ({t / r['t_match'] * 100:.1f} % of a full run)"
            )
    return "\n".join(lines)


def _child(mode: str, name: str, seed: int) -> dict:
    cmd = [sys.executable, "-m", "matching.bench", "--child", mode, "--scale", name]
    out = subprocess.run([*cmd, "--seed", str(seed)], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__)
    ap.add_argument("--scale", choices=[*SCALES, "all"], default="all")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", choices=["match", "reference"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        run = run_match if args.child == "match" else run_reference
        print(json.dumps(run(args.scale, args.seed)))
        return 0
    print(f"compile on first use (empty numba cache): {compile_time():.2f} s", flush=True)
    names = list(SCALES) if args.scale == "all" else [args.scale]
    results = []
    for name in names:
        scale = SCALES[name]
        r = {"scale": name, "cooks": scale.n_cooks, "diners": scale.n_diners}
        r.update(_child("match", name, args.seed))
        r.update(_child("reference", name, args.seed))
        r["agree"] = r["matched"] == r["ref_matched"] and abs(r["km"] - r["ref_km"]) <= 1e-3
        results.append(r)
        print(report(r), flush=True)
    summary = "; ".join(
        f"{r['scale']} {r['t_match']:.2f}s ({r['t_match'] / r['t_ref']:.2f}x ref, "
        f"{r['t_match'] / r['t_floor']:.1f}x floor, {r['rss_match_mb'] / 1024:.2f} GB vs ref "
        f"{r['rss_ref_mb'] / 1024:.2f} GB, {'agree' if r['agree'] else 'DISAGREE'})"
        for r in results
    )
    print(f"summary (seed {args.seed}): {summary}")
    return 0 if all(r["agree"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
