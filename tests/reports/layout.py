"""Where things land on a rendered page, read from WeasyPrint's own layout (the boxes it draws), in CSS px."""

from blueprints.reports import pdf


def render(html: str):
    """The document WeasyPrint lays out for the HTML with the print stylesheet, as the app renders it."""
    css, fonts = pdf._stylesheet()
    return pdf._html(html, lean=True).render(stylesheets=[css], font_config=fonts)


def classes(box) -> set[str]:
    return set((box.element.get("class") or "").split()) if box.element is not None else set()


def text_extents(box) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of every run of text drawn inside the box."""
    from weasyprint.formatting_structure.boxes import TextBox

    return [(b.position_x, b.position_y, b.position_x + b.width, b.position_y + b.height)
            for b in box.descendants() if isinstance(b, TextBox) and b.text.strip()]


def boxes(page, tag: str | None = None, cls: str | None = None) -> list:
    """The boxes of a page made for elements of a tag and/or class (the first box of each element)."""
    found, seen = [], set()
    for box in page._page_box.descendants():
        if box.element is None or id(box.element) in seen:
            continue
        if (tag is None or box.element_tag == tag) and (cls is None or cls in classes(box)):
            seen.add(id(box.element))
            found.append(box)
    return found


def extent(box) -> tuple[float, float, float, float]:
    return box.position_x, box.position_y, box.position_x + box.margin_width(), box.position_y + box.margin_height()


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
