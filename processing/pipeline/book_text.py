"""The book's text: DejaVu Sans (shipped in fonts/ with its licence), what it can draw,
and fitting a dedication into its box.

DejaVu Sans covers Czech and many symbols (❤ ★ ☺, some emoticons such as 😀) but not most
emoji (🎉 🥰 👍). A character the font cannot draw would print as an empty box, so it is
left out of the book; `unsupported_characters` tells which ones, so staff can be warned
before a book is built.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
# Invisible characters (variation selectors as in "❤️", zero-width joiners of emoji
# sequences) are left out quietly: the printed text looks the same without them.
_INVISIBLE = {"Cf", "Cc", "Mn", "Me"}
_SPACES = re.compile(r"[^\S\n]+")


@functools.cache
def font(name: str) -> TTFont:
    """The font, registered with reportlab once per process."""
    loaded = TTFont(name, str(FONT_DIR / f"{name}.ttf"))
    pdfmetrics.registerFont(loaded)
    return loaded


def _can_draw(character: str, name: str) -> bool:
    # Glyph 0 is .notdef, the empty box.
    return font(name).face.charToGlyph.get(ord(character), 0) != 0


def unsupported_characters(text: str, name: str = REGULAR) -> list[str]:
    """The visible characters of `text` that the book leaves out because the font
    cannot draw them, each once, in order of appearance (e.g. ["🎉", "🥰"])."""
    found = (
        c for c in unicodedata.normalize("NFC", text) if _visible(c) and not _can_draw(c, name)
    )
    return list(dict.fromkeys(found))


def printable(text: str, name: str = REGULAR) -> str:
    """`text` as the book prints it: NFC (so "Z" + combining caron is one "Ž" glyph),
    characters the font cannot draw left out, runs of spaces and tabs made one space,
    line breaks kept."""
    composed = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in composed if c.isspace() or (_visible(c) and _can_draw(c, name)))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in kept.split("\n")).strip("\n")


def _visible(character: str) -> bool:
    return not character.isspace() and unicodedata.category(character) not in _INVISIBLE


@dataclass(frozen=True)
class TextBlock:
    """Wrapped lines at one font size, and their height with the leading."""

    lines: list[str]
    size: float

    @property
    def leading(self) -> float:
        return self.size * 1.35

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


def text_block(
    text: str, *, name: str, width: float, max_height: float, sizes: tuple[float, ...]
) -> TextBlock:
    """`text` wrapped to `width` at the largest of `sizes` whose lines fit `max_height`.

    At the smallest size what does not fit is cut, the last line ending in "…": a
    dedication is never drawn outside its box.
    """
    for size in sizes:
        block = TextBlock(_wrapped(text, name, size, width), size)
        if block.height <= max_height:
            return block
    lines = block.lines[: max(1, int(max_height // block.leading))]
    lines[-1] = lines[-1].rstrip(" .…") + "…"
    return TextBlock(lines, block.size)


def _wrapped(text: str, name: str, size: float, width: float) -> list[str]:
    font(name)  # simpleSplit measures with the registered font
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(simpleSplit(paragraph, name, size, width) or [""])
    return lines
