"""Reuse the previous call's work when ``match()`` sees nearly the same people again.

When one diner or cook signs up, the next run differs from the last in one record. Two
things are kept from the last call (one slot, guarded by a lock, only below a size limit):

* the encoded people: when the lists hold the very same objects as last time except for a
  stretch (one arrival appended or inserted, one departure), only that stretch is
  validated and encoded, and the existing pairings are read again only where they changed;
* the feasible edges and per-diner filter counts: people unchanged by value (compared by
  id, all fields but capacity, which only the solver uses) keep their edges, and the
  KD-tree search runs only for new diners, diners active again, and new vetted cooks.

A cook who left (or changed) is searched once more, in last call's arrays, to take their
share out of the counts. A new need or different exclusions mean a full search. The result is the
same as without the cache (the tests compare the two on random sequences of calls).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from threading import Lock
from typing import Any

import numpy as np

from matching.candidates import Candidates, find_candidates
from matching.prepare import People, encode, pairing_ids, vocabulary
from matching.prepare import excluded_keys as prepared_excluded_keys

#: Largest run whose records and edges are kept between calls (a city, not the country).
CACHE_MAX_PEOPLE = 300_000
CACHE_MAX_EDGES = 6_000_000
#: More changed records than this in one list and it is simply encoded again.
MAX_CHANGED = 1_000
CHUNK = 4_096


@dataclass(slots=True)
class _Side:
    """One side's last inputs and the row of ``people`` holding each of them."""

    records: list[Any]
    row: np.ndarray
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
    existing: tuple[list[Any], tuple[np.ndarray, np.ndarray]] | None = None


_lock = Lock()
_last: _State | None = None


def clear() -> None:
    """Forget the previous call (the next one does everything from scratch)."""
    global _last
    with _lock:
        _last = None


def _rows(p: People, rows: np.ndarray) -> People:
    vals = {f.name: getattr(p, f.name) for f in fields(p)}
    return People(**{k: None if v is None else v[rows] for k, v in vals.items()})


def _insert(p: People, at: np.ndarray, q: People) -> People:
    vals = {}
    for f in fields(p):
        x, y = getattr(p, f.name), getattr(q, f.name)
        vals[f.name] = None if x is None else np.insert(x, at, y, axis=0)
    return People(**vals)


def _lead(new: list[Any], old: list[Any], short: int, backwards: bool) -> int:
    """Return how many records from the start (or the end) of both lists are equal.

    Chunks are compared as lists first (a C loop that short-cuts on identical objects), so
    the usual case, where most records are the very same objects, costs microseconds.
    """
    n, m = len(new), len(old)
    i = 0
    while i < short:
        j = min(i + CHUNK, short)
        a, b = (new[n - j : n - i], old[m - j : m - i]) if backwards else (new[i:j], old[i:j])
        if a != b:
            pairs = zip(a[::-1], b[::-1], strict=True) if backwards else zip(a, b, strict=True)
            return i + next(k for k, (x, y) in enumerate(pairs) if x != y)
        i = j
    return short


def _same_ends(new: list[Any], old: list[Any]) -> tuple[int, int]:
    """Return how many leading and trailing records the two lists share (by value)."""
    short = min(len(new), len(old))
    pre = _lead(new, old, short, False)
    return pre, _lead(new, old, short - pre, True)


def _side(kind: str, records: list[Any], vocab: dict[str, int], last: _Side | None) -> _Side:
    """Encode one side, reusing rows of records that are the same objects as last time.

    Only a changed stretch in the middle of the list (an arrival appended or inserted, a
    departure) is encoded again; anything else is a full encoding.
    """
    pre, suf = (0, 0) if last is None else _same_ends(records, last.records)
    n, m = len(records), 0 if last is None else len(last.records)
    if last is None or pre + suf < max(n, m) - MAX_CHANGED:
        p, order = encode(kind, records, vocab)
        row = np.empty(n, np.int64)
        row[order] = np.arange(n)
        return _Side(records, row, p)
    fresh, order = encode(kind, records[pre : n - suf], vocab)  # validates the new ones
    gone = last.row[pre : m - suf]
    keep = np.ones(len(last.people.ids), bool)
    keep[gone] = False
    base = _rows(last.people, np.flatnonzero(keep)) if len(gone) else last.people
    base_row = np.cumsum(keep) - 1  # old row -> row in base
    at = np.searchsorted(base.ids, fresh.ids)
    p = _insert(base, at, fresh)
    if np.any(p.ids[1:] == p.ids[:-1]):
        p, order = encode(kind, records, vocab)  # raises, naming the duplicate as usual
    # np.insert puts base row i at i + (number of insertions at or before i).
    moved = np.arange(len(base.ids)) + np.searchsorted(at, np.arange(len(base.ids)), "right")
    row = np.empty(n, np.int64)
    row[:pre] = moved[base_row[last.row[:pre]]]
    row[n - suf :] = moved[base_row[last.row[m - suf :]]]
    row[pre + order] = at + np.arange(len(at))
    return _Side(records, row, p)


def prepare_cached(cooks: list[Any], diners: list[Any]) -> tuple[People, People, _State]:
    """Validate and encode like ``prepare``, reusing the last call's rows where possible."""
    last = _snapshot()
    if last is not None:
        pre, suf = _same_ends(diners, last.diners.records)
        changed = diners[pre : len(diners) - suf]
        if len(changed) > MAX_CHANGED or not vocabulary(changed).keys() <= last.vocab.keys():
            last = None  # new needs renumber every tag mask
    # A need no one has any more costs nothing, so the last vocabulary can stay.
    vocab = vocabulary(diners) if last is None else last.vocab
    state = _State(
        vocab,
        _side("cook", cooks, vocab, None if last is None else last.cooks),
        _side("diner", diners, vocab, None if last is None else last.diners),
    )
    return state.cooks.people, state.diners.people, state


def pairing_ids_cached(existing: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``pairing_ids(existing)``, reusing the last call's where the records are the same."""
    last = _snapshot()
    if last is None or last.existing is None:
        return pairing_ids(existing)
    old, (cids, dids) = last.existing
    pre, suf = _same_ends(existing, old)
    if pre + suf < len(existing) - MAX_CHANGED:
        return pairing_ids(existing)
    mc, md = pairing_ids(existing[pre : len(existing) - suf])
    tail = slice(len(old) - suf, len(old))
    return np.concatenate([cids[:pre], mc, cids[tail]]), np.concatenate(
        [dids[:pre], md, dids[tail]]
    )


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
    if full:
        cand = find_candidates(cp, dp, active, excluded_keys, workers)
    else:
        assert last is not None and last.cand is not None and last.active is not None
        old_cooks = last.cooks.people
        c_map, c_fresh = _same_rows(old_cooks, cp)
        d_map, _ = _same_rows(last.diners.people, dp)
        kept = np.flatnonzero(last.active & (d_map >= 0))
        known = np.zeros(len(dp.ids), bool)
        known[d_map[kept]] = True
        known &= active
        counts = np.zeros((len(dp.ids), 4), np.int32)
        counts[d_map[kept]] = last.cand.counts[kept]
        counts[~known] = 0
        ec, ed = c_map[last.cand.cook], d_map[last.cand.diner]
        keep = np.flatnonzero((ed >= 0) & (ec >= 0))
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
        # A vetted cook who left (or changed) takes their share of the counts with them.
        gone = np.flatnonzero(old_cooks.vetted & (c_map < 0))
        if len(gone) and known.any():
            keys = prepared_excluded_keys(old_cooks, dp, excluded)
            q = find_candidates(old_cooks, dp, known, keys, workers, cook_sel=gone)
            counts -= q.counts
        cand = Candidates(*(np.concatenate([p[k] for p in parts]) for k in range(3)), counts)
    state.active, state.excluded, state.cand = active, excluded, cand
    small = len(cp.ids) + len(dp.ids) <= CACHE_MAX_PEOPLE and len(cand.km) <= CACHE_MAX_EDGES
    with _lock:
        _last = state if small else None
    return cand
