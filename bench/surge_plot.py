"""The surge replay's steps drawn as an SVG: signatures a second asked and
answered over time, and p50 and p99 latency over time (bench/surge.py --plot).

Drawn by hand, as the petition page's own chart is: a few polylines need no
plotting library, and the file stays small enough to read in a diff."""

from html import escape

from signme.lib.scales import nice_ceiling

WIDTH, PANEL, GAP = 640, 170, 60
LEFT, RIGHT, TOP = 56, 16, 36


def _steps_line(points: list[tuple[float, float, float]], x, y) -> str:
    """A stepped polyline: each (start, end, value) held from start to end."""
    coords = []
    for start, end, value in points:
        coords += [f"{x(start):.1f},{y(value):.1f}", f"{x(end):.1f},{y(value):.1f}"]
    return " ".join(coords)


def _panel(top: float, title: str, unit: str, series, span: float) -> list[str]:
    """One panel: axes, gridlines, and each (label, points, style) series."""
    high = nice_ceiling(max((v for _, pts, _ in series for *_, v in pts), default=1))
    plot_w = WIDTH - LEFT - RIGHT

    def x(t):
        return LEFT + plot_w * t / span

    def y(v):
        return top + PANEL - PANEL * v / high

    out = [f'<text x="{LEFT}" y="{top - 10}" class="title">{escape(title)}</text>']
    for i in range(5):
        v = high * i / 4
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" class="tick" text-anchor="end">'
            f"{v:g}{unit}</text>"
        )
    for t in range(0, int(span) + 1, 30):
        out.append(
            f'<text x="{x(t):.1f}" y="{top + PANEL + 16}" class="tick" '
            f'text-anchor="middle">{t} s</text>'
        )
    legend_x = LEFT + 8
    for label, points, style in series:
        out.append(f'<polyline points="{_steps_line(points, x, y)}" class="{style}"/>')
        out.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{top + 10}" y2="{top + 10}" '
            f'class="{style}"/><text x="{legend_x + 22}" y="{top + 14}" class="tick">'
            f"{escape(label)}</text>"
        )
        legend_x += 22 + 7 * len(label) + 16
    return out


def surge_svg(steps: list[dict], caption: str) -> str:
    """steps: dicts with target (asked a second), ok (303s), seconds, p50 and
    p99 (ms), in order."""
    spans, t = [], 0.0
    for step in steps:
        spans.append((t, t + step["seconds"]))
        t += step["seconds"]
    span = t or 1
    asked = [(a, b, s["target"]) for (a, b), s in zip(spans, steps, strict=True)]
    answered = [(a, b, s["ok"] / s["seconds"]) for (a, b), s in zip(spans, steps, strict=True)]
    p50 = [(a, b, s["p50"]) for (a, b), s in zip(spans, steps, strict=True)]
    p99 = [(a, b, s["p99"]) for (a, b), s in zip(spans, steps, strict=True)]
    height = TOP + 2 * PANEL + GAP + 30
    rate = _panel(
        TOP, "Signatures a second", "",
        [("asked", asked, "asked"), ("answered 303", answered, "answered")], span,
    )  # fmt: skip
    latency = _panel(
        TOP + PANEL + GAP, "Latency of a signature (as wrk measured it)", " ms",
        [("p50", p50, "p50"), ("p99", p99, "p99")], span,
    )  # fmt: skip
    summary = "; ".join(
        f"{s['phase']} {s['target']:.0f}/s asked, {s['ok'] / s['seconds']:.0f}/s answered, "
        f"p99 {s['p99']:.0f} ms"
        for s in steps
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="t d">',
            f'<title id="t">{escape(caption)}</title>',
            f'<desc id="d">{escape(summary)}</desc>',
            "<style>"
            "text{font:12px sans-serif;fill:#222}.title{font-weight:bold}"
            ".grid{stroke:#ddd}.tick{fill:#444}"
            "polyline,line.asked,line.answered,line.p50,line.p99{fill:none;stroke-width:2}"
            ".asked{stroke:#777;stroke-dasharray:5 4}.answered{stroke:#1d70b8}"
            ".p50{stroke:#00703c}.p99{stroke:#d4351c}"
            "</style>",
            *rate,
            *latency,
            "</svg>",
            "",
        ]
    )
