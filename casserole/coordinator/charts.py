"""Geometry of the figures page's server-drawn SVG charts (presentation: the template draws it)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from casserole.services.stats import DAYS_PER_MONTH


@dataclass
class Chart:
    """Geometry for a small server-drawn SVG chart (the template only draws it)."""

    width: int
    height: int
    left: int
    bottom: int
    path: str = ""
    bars: list[tuple[float, float, float, float, str, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def survival_chart(curve: list[tuple[float, float]]) -> Chart:
    """A step line of the share of pairings still running against months since they started."""
    chart = Chart(width=640, height=280, left=56, bottom=40)
    plot_w, plot_h = chart.width - chart.left - 16, chart.height - chart.bottom - 16
    top = 16
    longest = max((d for d, _ in curve), default=0.0)
    months = max(12, math.ceil(longest / DAYS_PER_MONTH / 3) * 3)
    xmax = months * DAYS_PER_MONTH

    def x(day: float) -> float:
        return round(chart.left + plot_w * min(day, xmax) / xmax, 1)

    def y(p: float) -> float:
        return round(top + plot_h * (1 - p), 1)

    if curve:
        # stats.survival already keeps one step per whole day, so the path stays small.
        parts = [f"M{x(curve[0][0])} {y(curve[0][1])}"]
        parts += [f"H{x(day)} V{y(p)}" for day, p in curve[1:]]
        chart.path = " ".join(parts)
    step = 3 if months <= 24 else 6
    chart.x_ticks = [(x(m * DAYS_PER_MONTH), f"{m}") for m in range(0, months + 1, step)]
    chart.y_ticks = [(y(p), f"{int(p * 100)}%") for p in (0, 0.25, 0.5, 0.75, 1.0)]
    return chart


def meals_chart(months: list[tuple[date, int]]) -> Chart:
    """Bars of meals shared per month."""
    chart = Chart(width=640, height=280, left=64, bottom=48)
    plot_w, plot_h = chart.width - chart.left - 16, chart.height - chart.bottom - 16
    top = 16
    if not months:
        return chart
    ymax = _nice_max(max(n for _, n in months))
    slot = plot_w / len(months)
    for i, (first, n) in enumerate(months):
        h = plot_h * n / ymax
        label = first.strftime("%b %Y")
        chart.bars.append(
            (
                round(chart.left + i * slot + slot * 0.15, 1),
                round(top + plot_h - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                label,
                n,
            )
        )
    every = max(1, math.ceil(len(months) / 12))
    chart.x_ticks = [
        (round(chart.left + (i + 0.5) * slot, 1), first.strftime("%b %y"))
        for i, (first, _) in enumerate(months)
        if i % every == 0
    ]
    chart.y_ticks = [
        (round(top + plot_h * (1 - f), 1), f"{int(ymax * f):,}") for f in (0, 0.25, 0.5, 0.75, 1.0)
    ]
    return chart
