"""How an SMS is encoded and into how many segments it is cut (each segment is billed and may arrive apart).

GSM-7 (GSM 03.38, 7 bits a character) when every character is in its default alphabet or its extension table (an
extension character takes two septets, escape and character); UCS-2 otherwise. One segment holds 160 GSM-7 septets
or 70 UCS-2 units; a longer message is split into segments of 153 or 67 (the rest carries the header that joins
them), and an escape pair or a surrogate pair is never split between two.

French: é è à ù É Ç are in GSM-7; ê â î ô û ç ë ï œ À È are not, so one of them makes the whole message UCS-2.
Kinyarwanda is written in Latin letters and fits GSM-7, except for the typographic apostrophe (’, U+2019) that
word processors put in "n’" or "y’": `normalise` turns it and its kin into the ASCII ' before counting and
sending, so a Kinyarwanda message stays GSM-7 (160 characters a segment, not 70).
"""

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = "GSM-7", "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
MULTI = {GSM7: 153, UCS2: 67}

# Typographic quotes a phone's keyboard or a translator's editor types, and the ASCII ones GSM-7 has.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class Segments:
    encoding: str
    count: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def normalise(text: str) -> str:
    """The text with typographic apostrophes and quotes made ASCII (what is sent, and what is counted)."""
    return text.translate(_PLAIN)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _units(text: str, encoding: str) -> list[int]:
    """Each character's size in the encoding's units."""
    if encoding == GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segments(text: str) -> Segments:
    """The encoding and the number of segments of `text` as given (normalise it first to send what is counted)."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    sizes = _units(text, encoding)
    total = sum(sizes)
    if total <= SINGLE[encoding]:
        return Segments(encoding, 1, total)
    count, used = 1, 0
    for size in sizes:
        if used + size > MULTI[encoding]:
            count, used = count + 1, 0
        used += size
    return Segments(encoding, count, total)
