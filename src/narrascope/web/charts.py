"""Charts as inline SVG, rendered on the server (no JavaScript, no external assets).

Every label is escaped; the functions return :class:`markupsafe.Markup` for templates.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["PALETTE", "ROLE_COLOURS", "line_chart", "bar_chart", "role_bar", "nice_axis"]

#: Okabe-Ito-like palette, readable for colour-blind readers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8c6d31", "#666666",
           "#332288", "#88CCEE", "#117733", "#AA4499")
ROLE_COLOURS = {"Protagonist": "#1b7f3b", "Antagonist": "#c0392b", "Innocent": "#2463b0"}


def nice_axis(value: float, ticks: int = 4) -> tuple[int, int]:
    """``(top, step)``: a whole-number axis top >= value split into at most ``ticks`` whole steps."""
    value = max(1, int(-(-value // 1)))
    raw = value / ticks
    magnitude = 10 ** (len(str(max(1, int(raw)))) - 1)
    for mult in (1, 2, 5, 10):
        step = max(1, mult * magnitude)
        if step >= raw:
            break
    return step * -(-value // step), step


def _short(label: str, n: int = 38) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def line_chart(buckets: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *,
               width: int = 620, height: int = 280, title: str = "") -> Markup:
    """Lines over time buckets with an axis, grid and a legend below."""
    if not buckets or not series:
        return Markup('<p class="empty">No data yet.</p>')
    left, right, top, bottom = 44, 44, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak, step = nice_axis(max((max(c) for _, c in series if len(c)), default=1))
    n = len(buckets)

    def x(i: int) -> float:
        return left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for v in range(0, peak + 1, step):
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
                     f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    label_px = 7 * max(len(b) for b in buckets) + 14
    every = max(1, -(-n // max(2, int(plot_w // label_px))))
    shown = list(range(0, n, every))
    if shown[-1] != n - 1 and (n - 1 - shown[-1]) >= every * 0.9:
        shown.append(n - 1)
    for i in shown:
        parts.append(f'<text class="tick" x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{escape(buckets[i])}</text>')
    for idx, (label, counts) in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(counts))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.2" points="{points}">'
                     f'<title>{escape(label)}</title></polyline>')
        for i, v in enumerate(counts if n <= 40 else ()):  # dots only while they stay apart
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(buckets[i])}: {v}</title></circle>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" data-colour="{idx % len(PALETTE)}"></span>{escape(label)}</li>'
        for idx, (label, _) in enumerate(series)
    )
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')


def bar_chart(items: Sequence[tuple[str, int]], *, colour: str = "#0072B2", width: int = 360,
              row: int = 22, title: str = "", href: Sequence[str] | None = None) -> Markup:
    """Horizontal bars, one row per item, value at the end of the bar."""
    if not items:
        return Markup('<p class="empty">No data yet.</p>')
    label_w, pad = 150, 36
    peak = max(v for _, v in items) or 1
    height = row * len(items) + 6
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        yy = 3 + i * row
        w = max(1.0, (width - label_w - pad) * value / peak)
        text = f'<text class="bar-label" x="{label_w - 6}" y="{yy + row * 0.68:.1f}" text-anchor="end">' \
               f'{escape(_short(label, 22))}<title>{escape(label)}</title></text>'
        if href is not None:
            text = f'<a href="{escape(href[i])}">{text}</a>'
        parts.append(text)
        parts.append(f'<rect x="{label_w}" y="{yy + 3}" width="{w:.1f}" height="{row - 8}" rx="2" fill="{colour}">'
                     f'<title>{escape(label)}: {value}</title></rect>'
                     f'<text class="bar-value" x="{label_w + w + 4:.1f}" y="{yy + row * 0.68:.1f}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def role_bar(counts: dict[str, int], *, width: int = 90, height: int = 16) -> Markup:
    """A small stacked bar of main-role counts (protagonist / antagonist / innocent) with the total."""
    total = sum(counts.values())
    if total == 0:
        return Markup('<span class="none">·</span>')
    parts = [f'<svg class="rolebar" viewBox="0 0 {width + 30} {height}" width="{width + 30}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    x = 0.0
    for role, colour in ROLE_COLOURS.items():
        n = counts.get(role, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect x="{x:.1f}" y="1" width="{w:.1f}" height="{height - 2}" fill="{colour}">'
                     f'<title>{role}: {n}</title></rect>')
        x += w
    parts.append(f'<text class="tick" x="{width + 4}" y="{height - 4}">{total}</text></svg>')
    return Markup("".join(parts))
