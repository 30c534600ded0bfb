"""What happens to a finished version's file before it is stored: clean-up and output checks.

A kind declares it once (`VersionKind.finish`); `services.state.version_complete`, the
one place where any backend's result is stored, applies it. A colouring page is cleaned
(`pipeline.cleanup`) and then checked, so the SVG made from it later starts from the
cleaned page; an SVG is only checked. The flags found are stored on the version
(`VersionBase.flags`) and keep it from being selected automatically; each flag code is
declared here once with its Czech label, for the cards, the audit trail and the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from processing.pipeline import page_checks
from processing.pipeline.cleanup import clean_page


class OutputFlag(models.TextChoices):
    NEAR_BLANK = page_checks.NEAR_BLANK, "Téměř prázdná stránka (méně než 0,5 % kresby)"
    NEAR_SOLID = page_checks.NEAR_SOLID, "Téměř celá černá (přes 60 % kresby)"
    SOLID_FILL = page_checks.SOLID_FILL, "Velké černé plochy, které nejdou vybarvit"
    SVG_EMPTY = page_checks.SVG_EMPTY, "Prázdné SVG (nic se nekreslí)"
    SVG_WHITE = page_checks.SVG_WHITE, "SVG je celé bílé nebo průhledné"


LABELS: dict[str, str] = {flag.value: str(flag.label) for flag in OutputFlag}


def flag_labels(codes: Iterable[str]) -> list[str]:
    """Czech labels of stored flag codes (an unknown code is shown as it is)."""
    return [LABELS.get(code, code) for code in codes]


@dataclass(frozen=True)
class Finished:
    """A result ready to be stored: its (possibly rewritten) bytes, its flags and a line
    for the version's history ("" when there is nothing to say)."""

    data: bytes
    flags: list[str] = field(default_factory=list)
    note: str = ""


def _note(done: str, flags: list[str]) -> str:
    checked = f"Kontrola výstupu: {'; '.join(flag_labels(flags))}." if flags else ""
    return " ".join(part for part in (done, checked) if part)


def coloring_finish(data: bytes) -> Finished:
    """Clean a colouring page and check the result. Raises ProcessingPermanentError for
    a result that is not a readable image."""
    cleaned = clean_page(data)
    flags = page_checks.grey_flags(cleaned.page)
    return Finished(cleaned.png, flags, _note(cleaned.summary, flags))


def svg_finish(data: bytes) -> Finished:
    """Check an SVG; its bytes are stored as they are."""
    flags = page_checks.svg_flags(data)
    return Finished(data, flags, _note("", flags))
