"""Pictures drawn on the server as SVG geometry (bars, gap time lines, sparklines): no JavaScript chart
library, so they print and load on slow links. Each returns plain numbers a template turns into SVG."""

from datetime import date


def bars(values: list[tuple[str, int]]) -> dict | None:
    """Horizontal bars, one per (label, value), the longest = full width (percentages for an SVG stretched to the
    tile). None when there is nothing to draw or nothing to compare: bars all of one length say no more than the list."""
    if not values or len({v for _label, v in values}) == 1:
        return None
    top = max(max(v for _label, v in values), 1)
    return {"rows": [{"label": label, "value": v, "pct": round(v / top * 100, 1)} for label, v in values]}


def sparkline(values: list[int], width: int = 72, height: int = 18, gap: int = 1) -> dict | None:
    """A column per month (held visits), drawn at its own pixel size: columns read as counts where a line over
    months of 0 and 1 zigzags."""
    if len(values) < 2:
        return None
    top = max(max(values), 1)
    step = width / len(values)
    columns = [{"x": round(i * step, 1), "w": round(max(step - gap, 1), 1), "h": round(v / top * (height - 2), 1)}
               for i, v in enumerate(values)]
    for c in columns:
        c["y"] = round(height - c["h"], 1)
    return {"width": width, "height": height, "columns": columns}


def gap_timeline(rows: list[dict], start: date, end: date) -> dict | None:
    """One line per hospital over [start, end]: a tick at each held visit, the longest gap drawn thick; x in percent
    of the range, for a strip stretched to the tile beside the hospital's name (HTML text, never scaled down).

    `rows` are dicts with "label", "held" (dates) and "longest" ((from, to) or None).
    """
    if not rows:
        return None
    span = max((end - start).days, 1)

    def x(on: date) -> float:
        return round(min(max((on - start).days, 0), span) / span * 100, 1)

    lines = []
    for row in rows:
        longest = row.get("longest")
        lines.append({"label": row["label"], "ticks": [x(d) for d in row["held"]],
                      "gap": (x(longest[0]), x(longest[1])) if longest else None})
    return {"lines": lines, "start": start, "end": end}
