"""Drawing a book's pages on a reportlab canvas: pictures at their placements, the title
page and the closing page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .book_inputs import PlacedPhoto
from .book_layout import COLLAGE_BORDER, CONTENT, MM, PAGE_HEIGHT, PAGE_WIDTH, Placement
from .book_text import BOLD, REGULAR, TextBlock, text_block

TITLE_SIZES = (28.0, 24.0, 20.0, 17.0, 14.0)
DEDICATION_SIZES = (20.0, 18.0, 16.0, 14.0, 12.0, 11.0, 10.0, 9.0, 8.0)
DEDICATION_WIDTH = 150 * MM
DEDICATION_PADDING = 10 * MM
DEDICATION_MAX_TEXT_HEIGHT = 150 * MM
CLOSING_TEXT, CLOSING_NOTE = "Konec", "Fotomalovánky.cz"
INK, FRAME = (0, 0, 0), (0.45, 0.45, 0.45)


def colouring(canvas: Canvas, drawing: Drawing, placement: Placement) -> None:
    """The SVG's shapes, scaled to the placement: vector paths, never a raster."""
    with _placed(canvas, placement):
        canvas.scale(placement.width / drawing.width, placement.height / drawing.height)
        # The renderer's first state sets a font; ours keeps Helvetica (not embedded,
        # never used for a glyph) out of the PDF.
        drawing.initialFontName = REGULAR
        renderPDF.draw(drawing, canvas, -drawing.width / 2, -drawing.height / 2, showBoundary=False)


def photo(canvas: Canvas, placed: PlacedPhoto) -> None:
    with _placed(canvas, placed.placement):
        _image(canvas, placed)


def collage_photo(canvas: Canvas, placed: PlacedPhoto) -> None:
    """A photo as a print on a table: white border, thin outline, tilted."""
    width, height = placed.placement.width, placed.placement.height
    with _placed(canvas, placed.placement):
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setStrokeColorRGB(*FRAME)
        canvas.setLineWidth(0.5)
        border = COLLAGE_BORDER
        canvas.rect(
            -width / 2 - border,
            -height / 2 - border,
            width + 2 * border,
            height + 2 * border,
            stroke=1,
            fill=1,
        )
        _image(canvas, placed)


def title_page(canvas: Canvas, *, title: str, dedication: str) -> None:
    """The title near the top; below it the dedication in a rounded box, when there is
    one."""
    if title:
        block = text_block(
            title, name=BOLD, width=CONTENT.width - 20 * MM, max_height=60 * MM, sizes=TITLE_SIZES
        )
        _lines(canvas, block, BOLD, top=PAGE_HEIGHT * 0.78)
    if dedication:
        _dedication(canvas, dedication, centre_y=PAGE_HEIGHT * 0.45)


def closing_page(canvas: Canvas) -> None:
    canvas.setFillColorRGB(*INK)
    canvas.setFont(BOLD, 32)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, CLOSING_TEXT)
    canvas.setFillColorRGB(*FRAME)
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 14 * MM, CLOSING_NOTE)


def _dedication(canvas: Canvas, text: str, *, centre_y: float) -> None:
    block = text_block(
        text,
        name=REGULAR,
        width=DEDICATION_WIDTH - 2 * DEDICATION_PADDING,
        max_height=DEDICATION_MAX_TEXT_HEIGHT,
        sizes=DEDICATION_SIZES,
    )
    height = block.height + 2 * DEDICATION_PADDING
    top = centre_y + height / 2
    canvas.setStrokeColorRGB(*FRAME)
    canvas.setLineWidth(1)
    canvas.roundRect(
        (PAGE_WIDTH - DEDICATION_WIDTH) / 2, top - height, DEDICATION_WIDTH, height, radius=4 * MM
    )
    _lines(canvas, block, REGULAR, top=top - DEDICATION_PADDING)


def _lines(canvas: Canvas, block: TextBlock, name: str, *, top: float) -> None:
    """Each line centred on the page, in slots of one leading from `top` down."""
    canvas.setFillColorRGB(*INK)
    canvas.setFont(name, block.size)
    # The baseline sits a descent above the slot's bottom, the slot's spare leading
    # split above and below the glyphs.
    rise = (block.leading - block.size) / 2 + 0.24 * block.size
    for index, line in enumerate(block.lines):
        canvas.drawCentredString(PAGE_WIDTH / 2, top - (index + 1) * block.leading + rise, line)


@contextmanager
def _placed(canvas: Canvas, placement: Placement) -> Iterator[None]:
    """Origin at the placement's centre, axes turned by its angle."""
    canvas.saveState()
    canvas.translate(placement.x, placement.y)
    if placement.angle:
        canvas.rotate(placement.angle)
    yield
    canvas.restoreState()


def _image(canvas: Canvas, placed: PlacedPhoto) -> None:
    width, height = placed.placement.width, placed.placement.height
    canvas.drawImage(_Jpeg(placed.jpeg), -width / 2, -height / 2, width, height)


class _Jpeg(ImageReader):
    """A JPEG that reportlab copies into the PDF as it is (DCTDecode), never decoded.

    drawImage names each image by a digest of what getRGBData returns, so that an image
    drawn twice is stored once; for a JPEG that means decoding every photo once more on
    the drawing thread. The JPEG's own bytes name it just as well.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._jpeg = jpeg

    def getRGBData(self) -> bytes:
        self._dataA = None  # no alpha channel; drawImage reads it right after this call
        return self._jpeg
