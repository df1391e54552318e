"""The signatures-per-day chart on the petition page, drawn on the server as
SVG: no script, no chart library in the browser, and the same picture with
JavaScript off. A table of the same figures goes with it for screen readers.

Written here rather than taken from a plotting library: a stacked bar per day
is a few rectangles, and a library would draw on the server at a cost per
request the page cache would then have to hide."""

from dataclasses import dataclass
from datetime import date, timedelta

from signme.lib.scales import nice_ceiling
from signme.petitions.counting import Day

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 26
# A bar per day for the last this many days: wider bars a phone can show.
DAYS_SHOWN = 90


@dataclass(frozen=True)
class Bar:
    day: date
    x: float
    width: float
    online_y: float
    online_height: float
    paper_y: float
    paper_height: float


def daily_chart(days: list[Day], today: date) -> dict | None:
    """Geometry for the SVG (web/chart.html), or None before any signature counts."""
    if not days:
        return None
    by_day = {d.day: d for d in days}
    last = max(today, days[-1].day)
    first = max(days[0].day, last - timedelta(days=DAYS_SHOWN - 1))
    span = (last - first).days + 1
    shown = [by_day.get(first + timedelta(days=i)) for i in range(span)]
    top = nice_ceiling(max((d.total for d in shown if d), default=1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / span
    gap = min(1.0, step / 4)
    bars = []
    for i, d in enumerate(shown):
        if d is None or not d.total:
            continue
        online_h = plot_h * d.online / top
        paper_h = plot_h * d.paper / top
        base = TOP + plot_h
        bars.append(
            Bar(
                day=d.day,
                x=round(LEFT + i * step + gap / 2, 2),
                width=round(step - gap, 2),
                online_y=round(base - online_h, 2),
                online_height=round(online_h, 2),
                paper_y=round(base - online_h - paper_h, 2),
                paper_height=round(paper_h, 2),
            )
        )
    peak = max(days, key=lambda d: (d.total, d.day))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "base": TOP + plot_h,
        "middle": TOP + plot_h / 2,
        "label_y": HEIGHT - 8,
        "label_x": LEFT - 4,
        "max_y": TOP + 4,
        "half_y": TOP + plot_h / 2 + 4,
        "zero_y": TOP + plot_h + 4,
        "max": top,
        "half": top // 2 if top % 2 == 0 else None,
        "first": first,
        "last": last,
        "bars": bars,
        "truncated": first > days[0].day,
        "days_shown": span,
        "peak": peak,
        # The table, newest first: what a screen reader user wants first.
        "rows": _running_totals(days)[::-1],
    }


def _running_totals(days: list[Day]) -> list[dict]:
    total, rows = 0, []
    for d in days:
        total += d.total
        rows.append({"day": d.day, "online": d.online, "paper": d.paper, "total": total})
    return rows
