"""Small vector charts as SVG strings (no browser, no kaleido): a sparkline and a bar chart.

Only numbers and escaped labels enter the markup. Colours follow Chinese price bulletins:
a rise is red, a fall green.
"""

from __future__ import annotations

from html import escape

from .. import textfmt as tf

UP = "#c62828"
DOWN = "#2e7d32"
FLAT = "#757575"
LINE = "#1f4e79"
FONT = "Noto Sans CJK SC"


def _f(v: float) -> str:
    return f"{v:.1f}"


def sparkline(values: list[float], *, width: int = 90, height: int = 22, colour: str = LINE) -> str:
    """A polyline over ``values`` (oldest first) scaled to the box, the last point dotted.

    Edge cases: no values -> an empty box; one value or a flat series -> a level line in the
    middle (a flat series has no range to scale by).
    """
    pad = 2.5
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" class="spark">')
    vals = [float(v) for v in values if v is not None]
    if not vals:
        return head + "</svg>"
    lo, hi = min(vals), max(vals)
    n = len(vals)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height / 2 if hi == lo else pad + (height - 2 * pad) * (hi - v) / (hi - lo)
        return x, y

    pts = [xy(i, v) for i, v in enumerate(vals)]
    path = " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)
    lx, ly = pts[-1]
    return (head + f'<polyline fill="none" stroke="{colour}" stroke-width="1.3" '
            f'stroke-linejoin="round" points="{path}"/>'
            f'<circle cx="{_f(lx)}" cy="{_f(ly)}" r="1.8" fill="{colour}"/></svg>')


def bars(rows: list[tuple[str, float | None]], *, width: int = 300, row_h: int = 18,
         label_w: int = 62, unit: str = "%") -> str:
    """Horizontal bars around a zero line: one row per (label, value); None -> no bar.

    The value is written beside its bar exactly as given (already rounded by the caller's
    source), so the chart never shows a figure the tables do not.
    """
    n = max(len(rows), 1)
    height = n * row_h + 6
    vals = [abs(v) for _, v in rows if v is not None]
    span = max(vals) if vals and max(vals) > 0 else 1.0
    value_w = 44
    plot_l, plot_r = label_w, width - value_w
    signed = [v for _, v in rows if v is not None]
    # the zero line sits where the data need it: left when nothing falls, right when
    # nothing rises, in the middle otherwise
    if all(v >= 0 for v in signed):
        zero, half = plot_l + 1, plot_r - plot_l - 3
    elif all(v <= 0 for v in signed):
        zero, half = plot_r - 1, plot_r - plot_l - 3
    else:
        zero, half = (plot_l + plot_r) / 2, (plot_r - plot_l) / 2 - 2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" class="bars" font-family="{FONT}" font-size="10">',
           f'<line x1="{_f(zero)}" y1="2" x2="{_f(zero)}" y2="{height - 2}" stroke="#9e9e9e" '
           'stroke-width="0.6"/>']
    for k, (label, v) in enumerate(rows):
        y = 3 + k * row_h
        mid = y + row_h / 2
        out.append(f'<text x="{label_w - 4}" y="{_f(mid + 3.5)}" text-anchor="end" '
                   f'fill="#212121">{escape(label)}</text>')
        if v is None:
            out.append(f'<text x="{_f(zero + 3)}" y="{_f(mid + 3.5)}" fill="{FLAT}">—</text>')
            continue
        w = half * abs(v) / span
        colour = UP if v > 0 else DOWN if v < 0 else FLAT
        x = zero if v >= 0 else zero - w
        out.append(f'<rect x="{_f(x)}" y="{_f(y + 3)}" width="{_f(max(w, 0.8))}" '
                   f'height="{row_h - 6}" fill="{colour}"/>')
        out.append(f'<text x="{plot_r + 4}" y="{_f(mid + 3.5)}" fill="{colour}">'
                   f'{escape(tf.pct(v) if unit == "%" else f"{v:.1f}{unit}")}</text>')
    out.append("</svg>")
    return "".join(out)
