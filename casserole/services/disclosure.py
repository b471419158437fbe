"""Disclosure control: the one rule every published row or figure follows.

The rule: nothing released rests on fewer than MIN_PEOPLE (10) people. A released row must
share every one of its values with rows about at least 10 different people in each role it
describes (10 diners and 10 cooks for a pairing), so no row can be matched to one person by
what someone already knows of them (district, when they started, how it ended). A released
count below 10 is shown as "fewer than 10".

How rows get there (`release`): each column has a ladder from exact to coarse (district to
area; month to quarter to year; exact lengths, distances and counts to bands), ending in
"withheld". Starting from the exact values, the step taken each time is the one that leaves
the fewest rows in groups under 10, until at most MAX_WITHHELD_SHARE of the rows are still in
such groups; those rows are left out, and how many were left out is not published (it would
be a figure resting on fewer than 10 people). The public-outcomes page should use the same.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_PEOPLE = 10
MAX_WITHHELD_SHARE = 0.05
WITHHELD = "withheld"
FEWER_THAN = f"fewer than {MIN_PEOPLE}"

RULE = (
    f"No released row or figure rests on fewer than {MIN_PEOPLE} people. Every row shares all "
    f"its values with rows about at least {MIN_PEOPLE} different diners and {MIN_PEOPLE} "
    "different cooks. To reach that, columns are coarsened one step at a time (postcode "
    "district to area; month to quarter to year; exact lengths, distances and meal counts to "
    "bands; end reasons to groups; a column may be withheld), each time taking the step that "
    f"leaves fewest rows in groups under {MIN_PEOPLE}, until at most "
    f"{MAX_WITHHELD_SHARE:.0%} of rows are in such groups; those rows are left out and their "
    f'number is not given. A count below {MIN_PEOPLE} is shown as "{FEWER_THAN}". Rows are '
    "numbered in random order."
)


@dataclass(frozen=True)
class Ladder:
    """A released column: labels from exact (first) to coarsest; "withheld" comes after."""

    name: str
    steps: tuple[Callable[[Any], str], ...]
    step_names: tuple[str, ...]
    # How much readers lose when this column is coarsened: among equally good steps, the
    # cheapest is taken first.
    value: int = 0

    def label(self, level: int, value: Any) -> str:
        """The value as released at `level` (len(steps) means withheld)."""
        return WITHHELD if level >= len(self.steps) else self.steps[level](value)

    def level_name(self, level: int) -> str:
        """What the column holds at `level`, for the export's README."""
        return WITHHELD if level >= len(self.steps) else self.step_names[level]


@dataclass(frozen=True)
class Record:
    """One candidate row: its raw values (one per ladder) and whom it is about, per role."""

    values: tuple[Any, ...]
    people: tuple[Hashable, ...]


@dataclass
class Release:
    """What may be published: rows of labels, whom each is about, and each column's level."""

    columns: list[str]
    rows: list[tuple[str, ...]]
    people: list[tuple[Hashable, ...]]
    levels: dict[str, str]


class _Search:
    """Every row's label at every level of every column, as integer codes, for fast counting.

    The search tries a few hundred combinations of levels on up to tens of thousands of rows.
    Labels are worked out once per distinct raw value (a city has 20,000 pairings but a few
    hundred start months and a dozen districts); groups are numbered with one numpy sort and
    the people in each counted from the pairs of rows about the same person, so a city-scale
    export takes well under a second.
    """

    def __init__(self, ladders: Sequence[Ladder], records: Sequence[Record]):
        self.n = len(records)
        # Per column: which distinct raw value each row holds, and per level the label of
        # each distinct value and the rows' label codes (numbered in any order: only
        # equality matters when grouping).
        self.inverse: list[np.ndarray] = []
        self.labels: list[list[list[str]]] = []
        self.codes: list[list[np.ndarray]] = []
        # Rows to columns in one pass (zip in C), not one pass per column.
        columns = list(zip(*(r.values for r in records), strict=True)) or [()] * len(ladders)
        for column, ladder in zip(columns, ladders, strict=True):
            inverse, distinct = _distinct(column)
            self.inverse.append(inverse)
            column_labels, column_codes = [], []
            for lvl in range(len(ladder.steps) + 1):
                labels = [ladder.label(lvl, value) for value in distinct]
                numbered: dict[str, int] = {}
                code = np.array(
                    [numbered.setdefault(label, len(numbered)) for label in labels], dtype=np.int64
                )
                column_labels.append(labels)
                column_codes.append(code[inverse] if self.n else inverse)
            self.labels.append(column_labels)
            self.codes.append(column_codes)
        roles = len(records[0].people) if records else 0
        roles_columns = list(zip(*(r.people for r in records), strict=True))
        self.people = [_distinct(roles_columns[k])[0] for k in range(roles)]
        self.repeats = [_repeats(person) for person in self.people]
        self._sizes: dict[tuple[int, ...], np.ndarray] = {}

    def sizes(self, levels: Sequence[int]) -> np.ndarray:
        """For each row, the fewest distinct people of any role sharing all its labels."""
        key = tuple(levels)
        if key not in self._sizes:
            self._sizes[key] = self._count(levels)
        return self._sizes[key]

    def _count(self, levels: Sequence[int]) -> np.ndarray:
        group, bound = np.zeros(self.n, dtype=np.int64), 1
        for column, lvl in zip(self.codes, levels, strict=True):
            code = column[lvl]
            width = int(code.max()) + 1
            if bound * width >= 2**62:  # re-number before the combined key could overflow
                group, bound = _dense(group)
            group, bound = group * width + code, bound * width
        group, groups = _dense(group)
        fewest = np.full(groups, np.iinfo(np.int64).max)
        for person, repeats in zip(self.people, self.repeats, strict=True):
            if repeats is not None:
                # A row adds a person to its group unless an earlier row about the same
                # person is in the same group: one comparison per such pair of rows.
                later, earlier = repeats
                seen = np.zeros(self.n, dtype=bool)
                seen[later[group[later] == group[earlier]]] = True
                distinct = np.bincount(group[~seen], minlength=groups)
            else:
                width = int(person.max()) + 1
                # Distinct (group, person) pairs, counted per group: one sort, no hashing.
                pairs = np.sort(group * width + person)
                first = np.empty(pairs.size, dtype=bool)
                first[0] = True
                np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
                distinct = np.bincount(pairs[first] // width, minlength=groups)
            fewest = np.minimum(fewest, distinct)
        return fewest[group]

    def small(self, levels: Sequence[int]) -> int:
        """How many rows are in groups about fewer than MIN_PEOPLE people."""
        return int((self.sizes(levels) < MIN_PEOPLE).sum()) if self.n else 0

    def rows(self, levels: Sequence[int]) -> list[tuple[str, ...]]:
        """The rows' labels at `levels`."""
        chosen = (
            _objects(self.labels[i][lvl])[self.inverse[i]].tolist() for i, lvl in enumerate(levels)
        )
        return list(zip(*chosen, strict=True)) if self.n else []


def _distinct(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each value's index among the distinct values (in first-seen order), and those values."""
    kinds = set(map(type, values)) - {type(None)}
    # Keyed by type too when types are mixed: 1 and 1.0 are equal but may be labelled apart.
    keys = list(zip(map(type, values), values, strict=True)) if len(kinds) > 1 else values
    number = {key: k for k, key in enumerate(dict.fromkeys(keys))}
    inverse = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
    return inverse, [key[1] for key in number] if len(kinds) > 1 else list(number)


def _objects(values: list[Any]) -> np.ndarray:
    """A list as a numpy array of objects (never a 2-D array, whatever the items are)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _repeats(person: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Every pair of rows about the same person, as (later rows, earlier rows); None when
    there are too many pairs (someone in dozens of rows) for this to beat sorting."""
    order = np.argsort(person, kind="stable")
    ranked = person[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    counts = np.diff(np.r_[starts, ranked.size])
    if counts.size and (
        int((counts * (counts - 1) // 2).sum()) > 4 * person.size or int(counts.max()) > 16
    ):
        return None
    later, earlier = [], []
    for span in range(2, int(counts.max(initial=1)) + 1):
        # People in exactly `span` rows: each of their rows against each earlier one.
        blocks = starts[counts == span]
        for i in range(1, span):
            for j in range(i):
                later.append(order[blocks + i])
                earlier.append(order[blocks + j])
    if not later:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(later), np.concatenate(earlier)


def _dense(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """The keys re-numbered 0, 1, 2... (equal keys, equal numbers), and how many there are."""
    if not keys.size:
        return keys, 1
    unique, inverse = np.unique(keys, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), int(unique.size)


def _refine(search: _Search, levels: list[int], ladders: Sequence[Ladder], allowed: float) -> None:
    """Give back detail the greedy search took but did not need, most valuable column first.

    One coarse step can be needed only together with others; once they are all taken, some
    of the earlier steps may be undone without any more rows in small groups.
    """
    for i in sorted(range(len(ladders)), key=lambda k: -ladders[k].value):
        while levels[i] > 0:
            levels[i] -= 1
            if search.small(levels) > allowed:
                levels[i] += 1
                break


def release(ladders: Sequence[Ladder], records: Sequence[Record]) -> Release:
    """Coarsen and suppress `records` until every released row meets the rule (see above)."""
    search = _Search(ladders, records)
    allowed = MAX_WITHHELD_SHARE * search.n
    levels = [0] * len(ladders)
    small = search.small(levels)
    while small > allowed:
        options = [i for i, ladder in enumerate(ladders) if levels[i] < len(ladder.steps)]
        if not options:
            break
        scored = []
        for i in options:
            trial = levels.copy()
            trial[i] += 1
            scored.append((search.small(trial), ladders[i].value, i))
        small, _, best = min(scored)
        levels[best] += 1
    if small <= allowed:
        _refine(search, levels, ladders, allowed)
    rows = search.rows(levels)
    people = [r.people for r in records]
    sizes = search.sizes(levels) if search.n else []
    kept = [
        (row, who) for row, who, size in zip(rows, people, sizes, strict=True) if size >= MIN_PEOPLE
    ]
    # Published order must not follow the input's (which follows start dates): a permutation
    # drawn from 128 bits of the system's randomness (one call, not one per row).
    order = np.random.default_rng(secrets.randbits(128)).permutation(len(kept))
    kept = [kept[k] for k in order.tolist()]
    return Release(
        columns=[ladder.name for ladder in ladders],
        rows=[row for row, _ in kept],
        people=[who for _, who in kept],
        levels={
            ladder.name: ladder.level_name(lvl) for ladder, lvl in zip(ladders, levels, strict=True)
        },
    )


def figure(count: int) -> str:
    """A count as it may be published: the number, or "fewer than 10"."""
    return str(count) if count >= MIN_PEOPLE else FEWER_THAN


def band(edges: Sequence[tuple[float, str]], top: str) -> Callable[[Any], str]:
    """A labeller: the label of the first edge the value is below, else `top`; "" for None."""

    def label(value: Any) -> str:
        if value is None:
            return ""
        for edge, name in edges:
            if value < edge:
                return name
        return top

    return label


def by_group(groups: dict[str, str], other: str) -> Callable[[Any], str]:
    """A labeller mapping some values to a group name and every other value to `other`."""

    def label(value: Any) -> str:
        if value is None or value == "":
            return ""
        return groups.get(str(value), other)

    return label


__all__ = [
    "FEWER_THAN",
    "MIN_PEOPLE",
    "RULE",
    "WITHHELD",
    "Ladder",
    "Record",
    "Release",
    "band",
    "by_group",
    "figure",
    "release",
]
