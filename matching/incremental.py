"""Reuse the previous call's work when ``match()`` sees nearly the same people again.

When one diner or cook signs up, the next run differs from the last in one record. Two
things are kept from the last call (one slot, guarded by a lock, only below a size limit):

* the encoded people: records that are the very same objects as last time keep their rows,
  so only new records are validated and encoded;
* the feasible edges and per-diner filter counts: people unchanged by value (compared by
  id, all fields but capacity, which only the solver uses) keep their edges, and the
  KD-tree search runs only for new diners, diners active again, and new vetted cooks.

A removed or changed vetted cook, a new need, or different exclusions mean a full search,
since the cached counts would otherwise include cooks that are gone. The result is the
same as without the cache (the tests compare the two on random sequences of calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from threading import Lock
from typing import Any

import numpy as np

from matching.candidates import Candidates, find_candidates
from matching.prepare import People, encode, vocabulary

#: Largest run whose records and edges are kept between calls (a city, not the country).
CACHE_MAX_PEOPLE = 300_000
CACHE_MAX_EDGES = 6_000_000


@dataclass(slots=True)
class _Side:
    """One side's last inputs: addresses of the records and their rows in ``people``."""

    records: list[Any]  # keeps the objects alive, so that their id() stays theirs
    addr: np.ndarray  # sorted id() of the records
    row: np.ndarray  # row of ``people`` for each entry of ``addr``
    people: People


@dataclass(slots=True)
class _State:
    """What the last call leaves behind for the next one."""

    vocab: dict[str, int]
    cooks: _Side
    diners: _Side
    active: np.ndarray | None = None
    excluded: np.ndarray | None = None
    cand: Candidates | None = None


_lock = Lock()
_last: _State | None = None


def clear() -> None:
    """Forget the previous call (the next one does everything from scratch)."""
    global _last
    with _lock:
        _last = None


def _addresses(records: Sequence[Any]) -> np.ndarray:
    return np.fromiter(map(id, records), np.int64, len(records))


def _rows(p: People, rows: np.ndarray) -> People:
    vals = {f.name: getattr(p, f.name) for f in fields(p)}
    return People(**{k: None if v is None else v[rows] for k, v in vals.items()})


def _concat(a: People, b: People) -> People:
    vals = {}
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        vals[f.name] = None if x is None else np.concatenate([x, y])
    return People(**vals)


def _side(kind: str, records: list[Any], vocab: dict[str, int], last: _Side | None) -> _Side:
    """Encode one side, reusing rows of records that are the same objects as last time."""
    addr = _addresses(records)
    if last is None or not len(last.addr) or not len(records):
        p, order = encode(kind, records, vocab)
    else:
        pos = np.minimum(np.searchsorted(last.addr, addr), len(last.addr) - 1)
        hit = last.addr[pos] == addr
        fresh = np.flatnonzero(~hit)
        new, _ = encode(kind, [records[i] for i in fresh], vocab)  # validates the new ones
        both = _concat(_rows(last.people, last.row[pos[hit]]), new)
        src = np.concatenate([np.flatnonzero(hit), fresh])  # input position of each row
        order = np.argsort(both.ids, kind="stable")
        p, order = _rows(both, order), src[order]
        if np.any(p.ids[1:] == p.ids[:-1]):
            p, order = encode(kind, records, vocab)  # raises, naming the duplicate as usual
    row = np.empty(len(records), np.int64)
    row[order] = np.arange(len(records))
    by_addr = np.argsort(addr, kind="stable")
    return _Side(records, addr[by_addr], row[by_addr], p)


def prepare_cached(cooks: list[Any], diners: list[Any]) -> tuple[People, People, _State]:
    """Validate and encode like ``prepare``, reusing the last call's rows where possible."""
    last = _snapshot()
    vocab = vocabulary(diners)
    if last is not None and vocab.keys() <= last.vocab.keys():
        vocab = last.vocab  # a need no one has any more costs nothing
    elif last is not None:
        last = None  # new needs renumber every tag mask
    state = _State(
        vocab,
        _side("cook", cooks, vocab, None if last is None else last.cooks),
        _side("diner", diners, vocab, None if last is None else last.diners),
    )
    return state.cooks.people, state.diners.people, state


def _snapshot() -> _State | None:
    with _lock:
        return _last


def _same_rows(old: People, new: People) -> tuple[np.ndarray, np.ndarray]:
    """Return (new row of each old row whose person is unchanged, or -1; new-row fresh mask)."""
    fresh = np.ones(len(new.ids), bool)
    if not len(new.ids) or not len(old.ids):
        return np.full(len(old.ids), -1), fresh
    pos = np.minimum(np.searchsorted(new.ids, old.ids), len(new.ids) - 1)
    same = new.ids[pos] == old.ids
    for name in ("lat", "lon", "days", "max_km", "vetted"):
        x = getattr(old, name)
        if x is not None:
            same &= getattr(new, name)[pos] == x
    same &= np.all(new.tags[pos] == old.tags, axis=1)
    fresh[pos[same]] = False
    return np.where(same, pos, -1), fresh


def candidates_cached(
    state: _State,
    active: np.ndarray,
    excluded: np.ndarray,
    excluded_keys: np.ndarray,
    workers: int,
) -> Candidates:
    """Return ``find_candidates`` for this call, searching only around what changed."""
    global _last
    cp, dp = state.cooks.people, state.diners.people
    last = _snapshot()
    full = (
        last is None
        or last.cand is None
        or last.vocab is not state.vocab
        or not np.array_equal(last.excluded, excluded)
    )
    if not full:
        assert last is not None and last.cand is not None and last.active is not None
        c_map, c_fresh = _same_rows(last.cooks.people, cp)
        # A vetted cook gone or changed: its share of the cached counts cannot be taken out.
        full = bool(np.any(last.cooks.people.vetted & (c_map < 0)))
    if full:
        cand = find_candidates(cp, dp, active, excluded_keys, workers)
    else:
        assert last is not None and last.cand is not None and last.active is not None
        d_map, _ = _same_rows(last.diners.people, dp)
        kept = np.flatnonzero(last.active & (d_map >= 0))
        known = np.zeros(len(dp.ids), bool)
        known[d_map[kept]] = True
        known &= active
        counts = np.zeros((len(dp.ids), 4), np.int32)
        counts[d_map[kept]] = last.cand.counts[kept]
        counts[~known] = 0
        ec, ed = c_map[last.cand.cook], d_map[last.cand.diner]
        keep = np.flatnonzero(ed >= 0)
        keep = keep[known[ed[keep]]]
        parts = [(ec[keep].astype(np.int32), ed[keep].astype(np.int32), last.cand.km[keep])]
        del ec, ed, keep
        searches = [(active & ~known, None)]
        new_cooks = np.flatnonzero(c_fresh & cp.vetted)
        if len(new_cooks):
            searches.append((known, new_cooks))
        for diners_, cooks_ in searches:
            if not diners_.any():
                continue
            q = find_candidates(cp, dp, diners_, excluded_keys, workers, cook_sel=cooks_)
            parts.append((q.cook, q.diner, q.km))
            counts += q.counts
        cand = Candidates(*(np.concatenate([p[k] for p in parts]) for k in range(3)), counts)
    state.active, state.excluded, state.cand = active, excluded, cand
    small = len(cp.ids) + len(dp.ids) <= CACHE_MAX_PEOPLE and len(cand.km) <= CACHE_MAX_EDGES
    with _lock:
        _last = state if small else None
    return cand
