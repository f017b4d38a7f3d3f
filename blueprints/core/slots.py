"""Slots: a page of one area shows data of an area above it through a named slot that the upper area fills, as
Indico's template hooks do, so the lower area never imports the upper one (the hospital page's cadence, the visit
page's feedback status). The page's template includes the upper area's fragment; the filler gives its values."""

from collections.abc import Callable


class Slots:
    def __init__(self) -> None:
        self._fillers: dict[str, dict[str, Callable[..., dict]]] = {}

    def fill(self, slot: str, name: str, filler: Callable[..., dict]) -> None:
        """Have `filler(**page)` add its values to the context of the pages that offer `slot`; `name` keeps one
        filler per area and slot however often the area's module is imported."""
        self._fillers.setdefault(slot, {})[name] = filler

    def context(self, slot: str, **page) -> dict:
        """The values every filler of `slot` gives for this page (`page`: what the page offers them)."""
        values: dict = {}
        for filler in self._fillers.get(slot, {}).values():
            values.update(filler(**page))
        return values


slots = Slots()
