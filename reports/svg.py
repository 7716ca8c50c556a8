"""Inline SVG charts: no script, no external file, prints as vectors. Every text is escaped."""
from __future__ import annotations

from markupsafe import Markup, escape


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def sparkline(points, *, width: int = 110, height: int = 26, label=None) -> Markup:
    """A small line of findings per run, scaled from its lowest to its highest value.

    ``points``: [(run_id, value or None, score or None)].
    Gaps (runs without the site) break the line; the last point is marked. ``label(run, value, score)``
    gives each point's tooltip.
    """
    values = [v for _, v, _ in points if v is not None]
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    span = (high - low) or 1
    n = len(points)
    step = (width - 6) / max(n - 1, 1)
    segments, current, dots = [], [], []
    for i, (run, value, score) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = 3 + i * step if n > 1 else width / 2
        y = height / 2 if high == low else height - 3 - ((value - low) / span) * (height - 6)
        current.append((x, y))
        dots.append((x, y, run, value, score))
    if current:
        segments.append(current)
    parts = [f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    if label:
        parts.append(f"<title>{escape(label(*dots[-1][2:]))}</title>")
    for seg in segments:
        if len(seg) > 1:
            coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in seg)
            parts.append(f'<polyline fill="none" stroke="#9b1c1c" stroke-width="1.5" points="{coords}"/>')
    for x, y, run, value, score in dots:
        last = (x, y) == dots[-1][:2]
        tip = f"<title>{escape(label(run, value, score))}</title>" if label else ""
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{2.5 if last else 1.5}" '
                     f'fill="{"#9b1c1c" if last else "#c77"}">{tip}</circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(points, *, width: int = 640, height: int = 170, label=None) -> Markup:
    """Bars of findings per run, and a line of the score (0-100) when there is one."""
    shown = [(r, v, s) for r, v, s in points]
    values = [v for _, v, _ in shown if v is not None]
    if not values:
        return Markup("")
    left, right, top_pad, bottom = 40, 34, 10, 22
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max(values) or 1
    n = len(shown)
    slot = plot_w / n
    bar = max(min(slot * 0.6, 36), 2)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="10" font-family="sans-serif">']
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{_fmt(y + 3)}" text-anchor="end" fill="#555">{round(top * frac)}</text>')
    score_pts = []
    for i, (run, value, score) in enumerate(shown):
        cx = left + slot * (i + 0.5)
        tip = f"<title>{escape(label(run, value, score))}</title>" if label else ""
        if value is not None:
            h = plot_h * value / top
            parts.append(f'<rect x="{_fmt(cx - bar / 2)}" y="{_fmt(top_pad + plot_h - h)}" width="{_fmt(bar)}" '
                         f'height="{_fmt(max(h, 0.5))}" fill="#c0504d">{tip}</rect>')
        parts.append(f'<text x="{_fmt(cx)}" y="{height - 6}" text-anchor="middle" fill="#555">#{escape(run)}</text>')
        if score is not None:
            score_pts.append((cx, top_pad + plot_h * (1 - max(0, min(score, 100)) / 100), tip))
    if score_pts:
        coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y, _ in score_pts)
        parts.append(f'<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="{coords}"/>')
        for x, y, tip in score_pts:
            parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3" fill="#1f6feb">{tip}</circle>')
        for frac in (0, 1):
            y = top_pad + plot_h * (1 - frac)
            parts.append(f'<text x="{width - right + 4}" y="{_fmt(y + 3)}" fill="#1f6feb">{100 * frac:.0f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
