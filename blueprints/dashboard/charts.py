"""Pictures drawn on the server as SVG geometry (bars, gap time lines, sparklines): no JavaScript chart
library, so they print and load on slow links. Each returns plain numbers a template turns into SVG."""

from datetime import date


def bars(values: list[tuple[str, int]], width: int = 300, bar_height: int = 14, gap: int = 4, label_width: int = 110) -> dict | None:
    """Horizontal bars, one per (label, value), longest = full width; None when there is nothing to draw."""
    if not values:
        return None
    top = max(max(v for _label, v in values), 1)
    room = width - label_width - 30
    rows = [{"label": label, "value": v, "y": i * (bar_height + gap), "w": round(v / top * room, 1)}
            for i, (label, v) in enumerate(values)]
    return {"width": width, "height": len(values) * (bar_height + gap), "bar_height": bar_height,
            "label_width": label_width, "rows": rows}


def sparkline(values: list[int], width: int = 80, height: int = 18, pad: int = 2) -> dict | None:
    """A small line over evenly spaced values (visits per month): points and the last point."""
    if len(values) < 2:
        return None
    top = max(max(values), 1)
    step = (width - 2 * pad) / (len(values) - 1)
    points = [(round(pad + i * step, 1), round(height - pad - v / top * (height - 2 * pad), 1)) for i, v in enumerate(values)]
    return {"width": width, "height": height, "points": " ".join(f"{x},{y}" for x, y in points), "last": points[-1]}


def gap_timeline(rows: list[dict], start: date, end: date, width: int = 300, row_height: int = 14, label_width: int = 110) -> dict | None:
    """One line per hospital over [start, end]: a tick at each held visit, the longest gap drawn thick.

    `rows` are dicts with "label", "held" (dates) and "longest" ((from, to) or None).
    """
    if not rows:
        return None
    span = max((end - start).days, 1)
    room = width - label_width - 4

    def x(on: date) -> float:
        return round(label_width + min(max((on - start).days, 0), span) / span * room, 1)

    lines = []
    for index, row in enumerate(rows):
        y = index * row_height + row_height / 2
        longest = row.get("longest")
        lines.append({"label": row["label"], "y": y, "ticks": [x(d) for d in row["held"]],
                      "gap": (x(longest[0]), x(longest[1])) if longest else None})
    return {"width": width, "height": len(rows) * row_height + 12, "label_width": label_width, "x_end": width - 4,
            "lines": lines, "start": start, "end": end, "axis_y": len(rows) * row_height + 10}
