"""Charts drawn on the server as SVG: readable on a phone (they scale to the width) and in mail
clients (plain shapes and text, inline, no script, no web font)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ("#2f6f9f", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")


def _fmt(value: float) -> str:
    if value is None:
        return "—"
    if abs(value) < 1 and value != 0:
        return f"{value:.0%}"
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def svg_line_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[float | None]]]
) -> SafeString:
    """Lines over months, one per series; gaps where a month has no value."""
    width, height, left, top, bottom = 560, 220, 44, 28, 36
    plot_w, plot_h = width - left - 10, height - top - bottom
    values = [v for _name, points in series for v in points if v is not None]
    largest = max(values, default=0) or 1
    steps = max(len(labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height + 18 * ((len(series) + 2) // 3)}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#999"></line>',
        f'<text x="{left - 4}" y="{top + 10}" font-size="10" text-anchor="end">'
        f"{escape(_fmt(largest))}</text>",
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    for index, label in enumerate(labels):
        if index % 2 == 0 or index == len(labels) - 1:
            x = left + plot_w * index / steps
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="10" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    for number, (name, points) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        segments, current = [], []
        for index, value in enumerate(points):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            x = left + plot_w * index / steps
            y = top + plot_h - plot_h * value / largest
            current.append(f"{x:.1f},{y:.1f}")
        if current:
            segments.append(current)
        for segment in segments:
            if len(segment) == 1:
                x, y = segment[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"></circle>')
            else:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'points="{" ".join(segment)}"></polyline>'
                )
        legend_x = (number % 3) * 180
        legend_y = height + 18 * (number // 3)
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}">'
            f'</rect><text x="{legend_x + 14}" y="{legend_y}" font-size="11">'
            f"{escape(name)}</text>"
        )
    if not values:
        parts.append(
            f'<text x="{left + 8}" y="{top + 20}" font-size="12">{escape(_("No data"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def svg_sparkline(values: list[int], *, label: str) -> SafeString:
    width, height = 120, 24
    largest = max(values, default=0) or 1
    steps = max(len(values) - 1, 1)
    points = " ".join(
        f"{width * i / steps:.1f},{height - 2 - (height - 4) * v / largest:.1f}"
        for i, v in enumerate(values)
    )
    return mark_safe(  # noqa: S308 - the label is escaped, the rest are numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<polyline fill="none" stroke="#2f6f9f" stroke-width="1.5" points="{points}">'
        f"</polyline></svg>"
    )


def svg_heat_map(
    *, title: str, rows: list[str], columns: list[str], values: dict[tuple[int, int], int]
) -> SafeString:
    """A grid of cells shaded by count, each with its number (colour is not the only cue)."""
    cell_w, cell_h, left, top = 64, 26, 120, 46
    width = left + cell_w * max(len(columns), 1) + 4
    height = top + cell_h * max(len(rows), 1) + 4
    largest = max(values.values(), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for column, name in enumerate(columns):
        x = left + cell_w * column + cell_w / 2
        parts.append(
            f'<text x="{x:.0f}" y="{top - 8}" font-size="11" text-anchor="middle">'
            f"{escape(name[:5])}</text>"
        )
    for row, name in enumerate(rows):
        y = top + cell_h * row
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" font-size="11" text-anchor="end">'
            f"{escape(name[:10])}</text>"
        )
        for column in range(len(columns)):
            value = values.get((row, column), 0)
            shade = value / largest
            fill = f"rgba(192,80,77,{0.08 + 0.85 * shade:.2f})" if value else "#f4f4f4"
            x = left + cell_w * column
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}"></rect><text x="{x + cell_w / 2 - 1:.0f}" y="{y + 17}" '
                f'font-size="11" text-anchor="middle">{value or ""}</text>'
            )
    if not rows:
        parts.append(f'<text x="0" y="{top + 16}" font-size="12">{escape(_("No data"))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
