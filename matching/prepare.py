"""Validate cooks, diners and pairings and turn them into id-sorted numpy arrays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matching.model import Cook, Diner, Pairing


@dataclass(slots=True)
class People:
    """Columns for cooks or diners, sorted by id so results never depend on input order."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    days: np.ndarray  # 7-bit mask, bit d set for day d
    tags: np.ndarray  # (n, words) uint64 bitmask over the needs vocabulary
    max_km: np.ndarray
    capacity: np.ndarray | None = None  # cooks only
    vetted: np.ndarray | None = None  # cooks only


def _fail(kind: str, record: Any, why: str) -> ValueError:
    return ValueError(f"invalid {kind} {record!r}: {why}")


def _column(records: Sequence[Any], attr: str, dtype: Any) -> np.ndarray:
    return np.fromiter((getattr(r, attr) for r in records), dtype=dtype, count=len(records))


def _check(kind: str, records: Sequence[Any], bad: np.ndarray, why: str) -> None:
    if bad.any():
        raise _fail(kind, records[int(np.argmax(bad))], why)


def _day_masks(kind: str, records: Sequence[Any]) -> np.ndarray:
    # People share a handful of distinct day sets, so validate and encode each set once.
    cache: dict[Any, int] = {}
    out = np.empty(len(records), dtype=np.uint8)
    for i, r in enumerate(records):
        days = r.days
        m = cache.get(days)
        if m is None:
            m = 0
            for d in days:
                if isinstance(d, bool) or not isinstance(d, int | np.integer) or not 0 <= d <= 6:
                    raise _fail(kind, r, f"day {d!r} is not an integer 0 (Monday) to 6 (Sunday)")
                m |= 1 << int(d)
            cache[days] = m
        out[i] = m
    return out


#: Allergens share the needs' bit vocabulary under this prefix: "keeps out peanuts" is a skill
#: and "allergic to peanuts" a need, so one subset test covers both and no path changes.
ALLERGEN_PREFIX = "allergen:"


def wants(record: Any, kind: str) -> frozenset[str]:
    """A diner's needs plus its allergens, or a cook's skills plus what it keeps out, as tags."""
    tags, extra = (
        (record.can_cook, record.keeps_out) if kind == "cook" else (record.needs, record.allergens)
    )
    if not extra:
        return tags
    return tags | {ALLERGEN_PREFIX + a for a in extra}


def _tag_masks(records: Sequence[Any], kind: str, vocab: dict[str, int]) -> np.ndarray:
    words = max(1, -(-len(vocab) // 64))
    out = np.zeros((len(records), words), dtype=np.uint64)
    cache: dict[Any, list[int]] = {}
    for i, r in enumerate(records):
        tags = wants(r, kind)
        row = cache.get(tags)
        if row is None:
            row = [0] * words
            for t in tags:
                b = vocab.get(t)
                if b is not None:  # a skill no diner needs cannot matter
                    row[b >> 6] |= 1 << (b & 63)
            cache[tags] = row
        if any(row):
            out[i] = row
    return out


def people(kind: str, records: Sequence[Any], vocab: dict[str, int]) -> People:
    """Validate and encode cooks (``kind="cook"``) or diners against a needs vocabulary."""
    return encode(kind, records, vocab)[0]


def encode(kind: str, records: Sequence[Any], vocab: dict[str, int]) -> tuple[People, np.ndarray]:
    """Return ``people(kind, records, vocab)`` and the input position of each of its rows."""
    try:
        ids = _column(records, "id", np.int64)
        lat = _column(records, "lat", np.float64)
        lon = _column(records, "lon", np.float64)
        max_km = _column(records, "max_km", np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"invalid {kind}: non-numeric id, lat, lon or max_km ({exc})") from exc
    _check(kind, records, ~(np.abs(lat) <= 90), "latitude out of range [-90, 90]")
    _check(kind, records, ~(np.abs(lon) <= 180), "longitude out of range [-180, 180]")
    _check(kind, records, ~(max_km >= 0), "max_km must be a non-negative number")
    order = np.argsort(ids, kind="stable")
    sids = ids[order]
    dup = np.flatnonzero(sids[1:] == sids[:-1])
    if len(dup):
        raise _fail(kind, records[int(order[dup[0] + 1])], f"duplicate {kind} id {sids[dup[0]]}")
    p = People(
        ids=sids,
        lat=lat[order],
        lon=lon[order],
        days=_day_masks(kind, records)[order],
        tags=_tag_masks(records, kind, vocab)[order],
        max_km=max_km[order],
    )
    if kind == "cook":
        cap = _column(records, "capacity", np.float64)
        bad = ~(cap >= 0) | (cap != np.floor(cap))
        _check(kind, records, bad, "capacity must be a non-negative integer")
        p.capacity = cap[order].astype(np.int64)
        p.vetted = _column(records, "vetted", bool)[order]
    return p, order


def vocabulary(diners: Sequence[Diner], vocab: dict[str, int] | None = None) -> dict[str, int]:
    """Return a bit number for every need and allergen of ``diners``, extending ``vocab``."""
    vocab = {} if vocab is None else dict(vocab)
    for needs in {wants(d, "diner") for d in diners}:
        for t in sorted(needs):
            vocab.setdefault(t, len(vocab))
    return vocab


def prepare(cooks: Iterable[Cook], diners: Iterable[Diner]) -> tuple[People, People]:
    """Validate and encode cooks and diners; raise ValueError naming the first bad record."""
    cooks, diners = list(cooks), list(diners)
    vocab = vocabulary(diners)
    return people("cook", cooks, vocab), people("diner", diners, vocab)


def index_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return positions of ``wanted`` in the sorted ``ids``, or -1 where absent."""
    pos = np.searchsorted(ids, wanted)
    pos = np.minimum(pos, max(len(ids) - 1, 0))
    found = (ids[pos] == wanted) if len(ids) else np.zeros(len(wanted), bool)
    return np.where(found, pos, -1)


def pairing_ids(existing: Sequence[Pairing]) -> tuple[np.ndarray, np.ndarray]:
    """Return the cook ids and diner ids of pairings as two arrays."""
    cids = np.fromiter((p.cook_id for p in existing), np.int64, len(existing))
    dids = np.fromiter((p.diner_id for p in existing), np.int64, len(existing))
    return cids, dids


def pairing_indices(
    cooks: People,
    diners: People,
    existing: Iterable[Pairing],
    ids: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return cook and diner positions of existing pairings; unknown ids raise ValueError.

    ``ids``, if given, is ``pairing_ids(existing)`` already computed.
    """
    existing = list(existing)
    cids, dids = pairing_ids(existing) if ids is None else ids
    ci, di = index_of(cooks.ids, cids), index_of(diners.ids, dids)
    bad = (ci < 0) | (di < 0)
    if bad.any():
        p = existing[int(np.argmax(bad))]
        who = "cook" if ci[int(np.argmax(bad))] < 0 else "diner"
        raise ValueError(f"invalid pairing {p!r}: unknown {who} id")
    return ci, di


def excluded_keys(cooks: People, diners: People, excluded: Iterable[tuple[int, int]]):
    """Return sorted keys ``cook_pos * n_diners + diner_pos`` of excluded pairs.

    Exclusions naming people not in this run are ignored: a coordinator's exclusion may well
    outlive the account it mentions.
    """
    pairs = np.array(list(excluded), dtype=np.int64).reshape(-1, 2)
    ci, di = index_of(cooks.ids, pairs[:, 0]), index_of(diners.ids, pairs[:, 1])
    keep = (ci >= 0) & (di >= 0)
    return np.unique(ci[keep] * len(diners.ids) + di[keep])
