"""The one way long lists are cut into pages: a `Page` and a paged query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from casserole.extensions import db

PER_PAGE = 25


@dataclass
class Page:
    """One page of a long list: its rows, the number of rows in all, and where it stands."""

    rows: list[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.per_page


def paginate(
    stmt: Any,
    page: int,
    per_page: int = PER_PAGE,
    *,
    count: Any = None,
    scalars: bool = False,
) -> Page:
    """Run `stmt` for one page (a count, unless known, then the page's rows).

    `count` is a cheaper counting query where the caller has one (without the joins that
    only fetch names), or the total itself when already known; by default the rows of
    `stmt` are counted.
    """
    if count is None:
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
    total = count if isinstance(count, int) else db.session.scalar(count)
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return Page(list(rows), total or 0, page, per_page)
