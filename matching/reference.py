"""Benchmark-only reference solver: OR-Tools min-cost max-flow on the same candidate graph."""

from __future__ import annotations

import numpy as np

#: Integer costs for OR-Tools, in micrometres, so rounding cannot move a total by a metre.
COST_SCALE = 1e9


def ortools_assign(
    c: np.ndarray, d: np.ndarray, km: np.ndarray, capacity: np.ndarray, n_cooks: int, n_diners: int
) -> np.ndarray:
    """Return indices of chosen edges from OR-Tools' max-flow-with-min-cost on the same graph."""
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "The reference solver needs OR-Tools: pip install 'casserole[bench]' (ortools)."
        ) from exc
    # Nodes: diners 0..nd-1, cooks nd..nd+nc-1, source, sink.
    src, sink = n_diners + n_cooks, n_diners + n_cooks + 1
    used_d = np.unique(d)
    used_c = np.unique(c)
    tails = np.concatenate([np.full(len(used_d), src), d, n_diners + used_c])
    heads = np.concatenate([used_d, n_diners + c, np.full(len(used_c), sink)])
    caps = np.concatenate([np.ones(len(used_d) + len(d), np.int64), capacity[used_c]])
    costs = np.concatenate(
        [
            np.zeros(len(used_d), np.int64),
            np.rint(km * COST_SCALE).astype(np.int64),
            np.zeros(len(used_c), np.int64),
        ]
    )
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    # Max-flow-with-min-cost ignores unmet supply, so offering every diner is enough.
    mcf.set_node_supply(src, n_diners)
    mcf.set_node_supply(sink, -n_diners)
    status = mcf.solve_max_flow_with_min_cost()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min cost flow failed with status {status}")
    flows = mcf.flows(arcs[len(used_d) : len(used_d) + len(d)])
    return np.flatnonzero(flows > 0)
