"""Benchmark the matcher on synthetic UK instances: ``python -m matching.bench --scale all``.

Each scale runs in its own process so that peak memory (``ru_maxrss``) belongs to that scale.
Times are wall-clock on one run each. "match" is the public ``match()`` on Cook/Diner objects,
validation and conversion included. "reference" starts from the same objects and runs the same
validation and candidate search, then OR-Tools' ``solve_max_flow_with_min_cost`` instead of
our solver. "floor" is the KD-tree radius search alone on already-converted arrays.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

from matching import match
from matching.candidates import find_candidates, in_range_pairs
from matching.model import Cook, Diner
from matching.prepare import prepare
from matching.reference import ortools_assign
from matching.synth import SCALES, generate


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


def run_scale(name: str, seed: int) -> dict:
    """Run one scale in this process and return its measurements."""
    scale = SCALES[name]
    _say(f"{name}: generating {scale.n_cooks:,} cooks / {scale.n_diners:,} diners")
    cooks, diners = generate(scale, seed)
    rss_instance = _peak_mb()
    _say(f"{name}: match()")
    t = time.perf_counter()
    result = match(cooks, diners)
    t_match = time.perf_counter() - t
    rss_match = _peak_mb()
    _say(f"{name}: KD-tree floor")
    cp, dp = prepare(cooks, diners)
    assert cp.vetted is not None
    t = time.perf_counter()
    in_range_pairs(cp, np.flatnonzero(cp.vetted), dp, np.arange(len(dp.ids)))
    t_floor = time.perf_counter() - t
    del cp, dp
    _say(f"{name}: OR-Tools reference")
    t = time.perf_counter()
    cand, chosen = _reference(cooks, diners)
    t_ref = time.perf_counter() - t
    ours_km = sum(p[2] for p in result.pairs)
    ref_km = float(cand.km[chosen].sum())
    return {
        "scale": name,
        "cooks": scale.n_cooks,
        "diners": scale.n_diners,
        "edges": int(len(cand.km)),
        "matched": len(result.pairs),
        "ref_matched": int(len(chosen)),
        "km": ours_km,
        "ref_km": ref_km,
        "t_match": t_match,
        "t_ref": t_ref,
        "t_floor": t_floor,
        "rss_instance_mb": rss_instance,
        "rss_match_mb": rss_match,
        "agree": len(result.pairs) == len(chosen) and abs(ours_km - ref_km) <= 1e-3,
    }


def report(r: dict) -> str:
    """Format one scale's measurements."""
    return "\n".join(
        [
            f"== {r['scale']}: {r['cooks']:,} cooks / {r['diners']:,} diners",
            f"  feasible candidate edges  {r['edges']:,}",
            f"  diners matched            {r['matched']:,}  (reference {r['ref_matched']:,})",
            f"  total km                  {r['km']:,.3f}  (reference {r['ref_km']:,.3f})",
            f"  objectives agree          {'yes' if r['agree'] else 'NO'}"
            f"  (|diff| = {abs(r['km'] - r['ref_km']) * 1000:.3f} m)",
            f"  wall time match()         {r['t_match']:.2f} s",
            f"  wall time reference       {r['t_ref']:.2f} s  (OR-Tools, same candidate search)",
            f"  wall time KD-tree floor   {r['t_floor']:.2f} s",
            f"  ratio vs reference        {r['t_match'] / r['t_ref']:.2f}x",
            f"  ratio vs floor            {r['t_match'] / r['t_floor']:.1f}x",
            f"  peak RSS                  {r['rss_match_mb']:,.0f} MB after match()"
            f" (instance objects alone {r['rss_instance_mb']:,.0f} MB)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__)
    ap.add_argument("--scale", choices=[*SCALES, "all"], default="all")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_scale(args.scale, args.seed)))
        return 0
    names = list(SCALES) if args.scale == "all" else [args.scale]
    results = []
    for name in names:
        cmd = [sys.executable, "-m", "matching.bench", "--child", "--scale", name]
        out = subprocess.run(
            [*cmd, "--seed", str(args.seed)], check=True, stdout=subprocess.PIPE, text=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(report(r), flush=True)
    summary = "; ".join(
        f"{r['scale']} {r['t_match']:.2f}s ({r['t_match'] / r['t_ref']:.2f}x ref, "
        f"{r['t_match'] / r['t_floor']:.1f}x floor, {r['rss_match_mb'] / 1024:.2f} GB, "
        f"{'agree' if r['agree'] else 'DISAGREE'})"
        for r in results
    )
    print(f"summary (seed {args.seed}): {summary}")
    return 0 if all(r["agree"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
