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


PALETTE = ("#b42318", "#d97706", "#0b5cad", "#1a7f37", "#7c3aed", "#0e7490", "#be185d", "#65a30d", "#92400e",
           "#475569", "#c026d3", "#0f766e")


def _open(width: int, height: int, cls: str = "chart") -> list[str]:
    return [f'<svg class="{cls}" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">']


def bar_chart(items, *, percent: bool = False, width: int = 420, bar: int = 16) -> Markup:
    """Horizontal bars, one per (label, value), the value printed at the bar's end; empty when no item."""
    items = [(str(label), value) for label, value in items if value is not None]
    if not items:
        return Markup("")
    label_w, pad = 150, 44
    top = 100 if percent else (max(v for _, v in items) or 1)
    height = len(items) * (bar + 6) + 6
    parts = _open(width, height)
    for i, (label, value) in enumerate(items):
        y = 4 + i * (bar + 6)
        w = (width - label_w - pad) * value / top
        text = f"{value:.0f}%" if percent else _fmt(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 4}" text-anchor="end" fill="#333">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{_fmt(max(w, 1))}" height="{bar}" fill="{PALETTE[2]}">'
                     f'<title>{escape(label)}：{escape(text)}</title></rect>')
        parts.append(f'<text x="{_fmt(label_w + w + 4)}" y="{y + bar - 4}" fill="#333">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _columns(groups, series_colors, *, width: int, height: int, stacked: bool, x_label) -> Markup:
    """Columns per group (a run): ``groups`` [(x, [(series, value)])]; stacked or side by side; a legend below."""
    values = [v for _, vs in groups for _, v in vs if v]
    if not values:
        return Markup("")
    top = max((sum(v or 0 for _, v in vs) for _, vs in groups) if stacked else values) or 1
    left, right, top_pad, legend_h = 40, 10, 10, 16 * ((len(series_colors) + 2) // 3)
    bottom = 22
    plot_h = height - top_pad - bottom - legend_h
    plot_w = width - left - right
    slot = plot_w / len(groups)
    parts = _open(width, height)
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{_fmt(y + 3)}" text-anchor="end" fill="#555">{round(top * frac)}</text>')
    for i, (x, series) in enumerate(groups):
        x0 = left + slot * i + slot * 0.15
        inner = slot * 0.7
        base = top_pad + plot_h
        shown = [(name, v) for name, v in series if v]
        for j, (name, value) in enumerate(shown):
            h = plot_h * value / top
            color = series_colors.get(name, "#888")
            tip = f"<title>{escape(x_label(x))} · {escape(name)}：{value}</title>"
            if stacked:
                base -= h
                parts.append(f'<rect x="{_fmt(x0)}" y="{_fmt(base)}" width="{_fmt(inner)}" height="{_fmt(h)}" fill="{color}">{tip}</rect>')
            else:
                w = inner / max(len(series), 1)
                k = [n for n, _ in series].index(name)
                parts.append(f'<rect x="{_fmt(x0 + k * w)}" y="{_fmt(base - h)}" width="{_fmt(w * 0.9)}" height="{_fmt(h)}" fill="{color}">{tip}</rect>')
        parts.append(f'<text x="{_fmt(x0 + inner / 2)}" y="{top_pad + plot_h + 14}" text-anchor="middle" fill="#555">{escape(x_label(x))}</text>')
    for k, (name, color) in enumerate(series_colors.items()):
        lx = left + (k % 3) * (plot_w / 3)
        ly = height - legend_h + 12 + 16 * (k // 3)
        parts.append(f'<rect x="{_fmt(lx)}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{_fmt(lx + 14)}" y="{ly}" fill="#333">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_runs(run_stats, rules, *, name, day, width: int = 560, height: int = 260) -> Markup:
    """Findings per run (x: the run's check date), stacked by rule."""
    shown = [r for r in rules if any(s["by_rule"].get(r) for s in run_stats)]
    if len(run_stats) < 2 or not shown:
        return Markup("")
    colors = {name(r): PALETTE[i % len(PALETTE)] for i, r in enumerate(shown)}
    groups = [((s["run"], s["date"]), [(name(r), s["by_rule"].get(r, 0)) for r in shown]) for s in run_stats]
    return _columns(groups, colors, width=width, height=height + 16 * ((len(shown) + 2) // 3), stacked=True,
                    x_label=lambda x: day(x[1]) if x[1] else f"#{x[0]}")


def new_fixed_chart(run_stats, *, day, labels, width: int = 560, height: int = 220) -> Markup:
    """New and fixed (整改) findings per run against the run before."""
    stats = [s for s in run_stats if s["new"] is not None]
    if not stats:
        return Markup("")
    colors = {labels[0]: PALETTE[0], labels[1]: PALETTE[3]}
    groups = [((s["run"], s["date"]), [(labels[0], s["new"]), (labels[1], s["fixed"])]) for s in stats]
    return _columns(groups, colors, width=width, height=height, stacked=False,
                    x_label=lambda x: day(x[1]) if x[1] else f"#{x[0]}")


def histogram(values, *, unit: str = "", width: int = 420, height: int = 200) -> Markup:
    """Sites per score band (0-59 one band, then tens): the distribution of the run's scores."""
    if not values:
        return Markup("")
    bands = [("<60", lambda v: v < 60)] + [(f"{lo}–{lo + 9}" if lo < 90 else "90–100", (lambda lo: lambda v: lo <= v < lo + 10 or (lo == 90 and v >= 100))(lo)) for lo in (60, 70, 80, 90)]
    counts = [(label, sum(1 for v in values if test(v))) for label, test in bands]
    colors = {unit or "n": PALETTE[2]}
    groups = [(label, [(unit or "n", n)]) for label, n in counts]
    return _columns(groups, colors, width=width, height=height, stacked=True, x_label=lambda x: x)
