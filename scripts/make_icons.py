"""The installable app's PNG icons (192 and 512 px), drawn from the favicon's shapes: run once, the PNGs are committed.

Browsers want PNG icons in the manifest for installing; the favicon stays SVG. Full bleed (no rounded corners)
so one image serves as both "any" and "maskable": the cross sits inside the maskable safe zone (the middle 80%)."""

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (11, 85, 99)  # the favicon's #0b5563
STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"


def icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), TEAL)
    draw = ImageDraw.Draw(image)
    unit = size / 32  # the favicon's 32-unit grid: a cross 18 units wide, arms 6 units thick, centred
    draw.rectangle([13 * unit, 7 * unit, 19 * unit - 1, 25 * unit - 1], fill="white")
    draw.rectangle([7 * unit, 13 * unit, 25 * unit - 1, 19 * unit - 1], fill="white")
    return image


if __name__ == "__main__":
    for size in (192, 512):
        icon(size).save(STATIC_IMG / f"icon-{size}.png", optimize=True)
