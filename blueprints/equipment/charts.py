"""Small trend lines drawn on the server as SVG coordinates (no JavaScript library)."""

from datetime import date

from markupsafe import Markup, escape


def trend_points(history, required: int, width: int = 160, height: int = 36, pad: int = 3, memo: dict | None = None) -> dict | None:
    """(date, functional) pairs oldest first → SVG polyline points, plus the required line's height.

    Returns None with fewer than two counts: one dot says nothing about a trend. `memo`, a dict kept for one
    request, shares the coordinates between lines: a hospital's items are counted at the same checks, so their
    lines have the same dates on the same scale and mostly the same few values (one page draws 60 lines).
    """
    history = list(history)
    if len(history) < 2:
        return None
    first, last = history[0][0], history[-1][0]
    span = max((last - first).days, 1)
    top = max(required, max(f for _d, f in history), 1)

    x_scale, y_scale, bottom = (width - 2 * pad) / span, (height - 2 * pad) / top, height - pad

    def x(on: date) -> float:
        return round(pad + (on - first).days * x_scale, 1)

    def y(value: int) -> float:
        return round(bottom - value * y_scale, 1)

    return {
        "width": width, "height": height,
        "points": _points(history, first, x_scale, pad, bottom, y_scale, {} if memo is None else memo),
        "required_y": y(required),
        "last": (x(last), y(history[-1][1])),
        "first_date": first, "last_date": last, "top": top,
    }


def _points(history, first: date, x_scale: float, pad: int, bottom: int, y_scale: float, memo: dict) -> str:
    """ "x,y x,y …", each "x," and "y" worked out once per scale and kept in `memo`."""
    xs = memo.get(("x", first, x_scale, pad))
    if xs is None:
        xs = memo["x", first, x_scale, pad] = {}
    ys = memo.get(("y", bottom, y_scale))
    if ys is None:
        ys = memo["y", bottom, y_scale] = {}
    out = []
    for day, value in history:
        x = xs.get(day)
        if x is None:
            x = xs[day] = f"{round(pad + (day - first).days * x_scale, 1)},"
        y = ys.get(value)
        if y is None:
            y = ys[value] = f"{round(bottom - value * y_scale, 1)}"
        out.append(x + y)
    return " ".join(out)


def trend_svg(t: dict | None, label: str) -> Markup | None:
    """The small trend line of `trend_points` as SVG markup (what equipment/_trend.html draws), written in Python:
    one hospital's page draws 60 of them, and an include per row cost more than the rest of the row."""
    if t is None:
        return None
    width, height = t["width"], t["height"]
    return Markup(
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f'<line x1="0" x2="{width}" y1="{t["required_y"]}" y2="{t["required_y"]}" class="trend-required"/>'
        f'<polyline points="{t["points"]}" class="trend-line"/>'
        f'<circle cx="{t["last"][0]}" cy="{t["last"][1]}" r="2.5" class="trend-dot"/></svg>')


def line_points(values: list[tuple[date, int]], width: int = 600, height: int = 140, pad: int = 20) -> dict | None:
    """A bigger line (the programme's critical gaps by month) with y-axis labels at 0 and the maximum."""
    if len(values) < 2:
        return None
    top = max(max(v for _d, v in values), 1)
    step = (width - 2 * pad) / (len(values) - 1)
    points = [(round(pad + i * step, 1), round(height - pad - v / top * (height - 2 * pad), 1)) for i, (_d, v) in enumerate(values)]
    return {"width": width, "height": height, "pad": pad, "top": top,
            "points": " ".join(f"{px},{py}" for px, py in points),
            "dots": [(px, py, d, v) for (px, py), (d, v) in zip(points, values, strict=True)]}
