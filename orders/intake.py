"""The kinds of intake finding: what the checks that run before any paid work may say
about a photo or a book, declared once each.

A finding is stored as data on the Image or LineItem it is about (`intake_findings`, a
list of `{"code": ..., **params}`), so pages, the API and the e-mail drafts all read the
same declaration here. A `hold` finding keeps the order from automatic and order-level
paid work until staff confirm "Generovat i tak"; a `warn` finding only informs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models


class Level(models.TextChoices):
    HOLD = "hold", "Zadrženo"
    WARN = "warn", "Upozornění"


class EmailCase(models.TextChoices):
    """The customer e-mail a hold calls for (one draft per case)."""

    MISSING = "missing", "Chybějící fotky"
    UNREADABLE = "unreadable", "Nečitelné fotky"
    DUPLICATE = "duplicate", "Duplicitní fotky"
    LOW_QUALITY = "low_quality", "Nízká kvalita fotek"
    CONSENT = "consent", "Chybějící souhlas"


@dataclass(frozen=True)
class FindingKind:
    code: str
    level: Level
    # Czech text for staff; `{…}` names come from the finding's params.
    label: str
    email_case: EmailCase | None = None


FINDING_KINDS: dict[str, FindingKind] = {
    kind.code: kind
    for kind in (
        FindingKind(
            "tiny",
            Level.HOLD,
            "Příliš malá fotka ({width}×{height} px)",
            EmailCase.LOW_QUALITY,
        ),
        FindingKind("unreadable", Level.HOLD, "Fotku nelze přečíst", EmailCase.UNREADABLE),
        FindingKind(
            "duplicate",
            Level.HOLD,
            "Stejná fotka jako fotka {other}",
            EmailCase.DUPLICATE,
        ),
        FindingKind(
            "missing_photos",
            Level.HOLD,
            "Chybí fotky: {count} z {expected}",
            EmailCase.MISSING,
        ),
        FindingKind("no_consent", Level.HOLD, "Chybí platný souhlas s fotkami", EmailCase.CONSENT),
        FindingKind("low_resolution", Level.WARN, "Nízké rozlišení ({megapixels} MP)"),
        FindingKind("blurred", Level.WARN, "Rozmazaná fotka"),
        FindingKind("too_dark", Level.WARN, "Příliš tmavá fotka"),
        FindingKind("too_bright", Level.WARN, "Příliš světlá fotka"),
        FindingKind("near_duplicate", Level.WARN, "Velmi podobná fotce {other}"),
        FindingKind(
            "extra_photos", Level.WARN, "Fotek je víc, než produkt má: {count} z {expected}"
        ),
    )
}


def finding(code: str, **params: Any) -> dict[str, Any]:
    """A finding as stored: its code and the params its label names."""
    if code not in FINDING_KINDS:
        raise ValueError(f"unknown intake finding {code!r}")
    return {"code": code, **params}


def finding_kind(item: Mapping[str, Any]) -> FindingKind:
    return FINDING_KINDS[item["code"]]


def finding_label(item: Mapping[str, Any]) -> str:
    params = {key: value for key, value in item.items() if key != "code"}
    try:
        return finding_kind(item).label.format(**params)
    except (KeyError, IndexError):
        return finding_kind(item).label.split(" (")[0]


def holds(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(finding_kind(item).level == Level.HOLD for item in findings)
