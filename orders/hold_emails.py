"""Czech e-mail drafts to the customer of an order the intake checks hold: one per
`EmailCase` among its hold findings, naming the photos concerned, with correct plurals.

Each case's text is written once (`WRITERS`); staff copy a draft from the order page,
adapt it if they like and send it from the shop's mailbox, then press "E-mail odeslán".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .intake import FINDING_KINDS, EmailCase, Level
from .models import Image, LineItem, Order
from .plurals import PHOTOS, PHOTOS_ACCUSATIVE, Forms, counted, plural

SIGNATURE = "S pozdravem\ntým Fotomalovánky.cz"
IT = Forms("ji", "je", "je")  # the photo(s), as the object of a verb


@dataclass(frozen=True)
class Concern:
    """One hold finding of the order, and where it was found."""

    line_item: LineItem
    image: Image | None  # None: a finding about the book as a whole
    finding: Mapping[str, Any]

    def param(self, name: str) -> Any:
        return self.finding.get(name)


@dataclass(frozen=True)
class EmailDraft:
    case: str  # an `EmailCase`
    label: str
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class Letter:
    """What every case's text needs: the order and how to name a photo in it."""

    order: Order
    multi: bool  # more than one book: a photo is named with its book

    def photo(self, concern: Concern, position: object = None) -> str:
        """ "č. 3", or "č. 3 v knize 2" in an order of several books."""
        number = position if position is not None else getattr(concern.image, "position", "?")
        return f"č. {number} v knize {concern.line_item.position}" if self.multi else f"č. {number}"

    def photos(self, concerns: Sequence[Concern], forms: Forms = PHOTOS) -> str:
        """ "fotka č. 3" or "fotky č. 2, 3 a 5" (a list, so no counted genitive)."""
        names = [self.photo(concern) for concern in concerns]
        if not self.multi:  # "č. 1, 2 a 3": the mark once
            names = [names[0], *(name.removeprefix("č. ") for name in names[1:])]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} a {names[-1]}"
        return f"{forms.one if len(names) == 1 else forms.few} {listed}"

    def book(self, line_item: LineItem) -> str:
        name = f"„{line_item.title}“"
        return f"kniha {line_item.position} {name}" if self.multi else name


def _missing(letter: Letter, concerns: Sequence[Concern]) -> tuple[str, str]:
    lines, total = [], 0
    for concern in concerns:
        expected, count = concern.param("expected"), concern.param("count")
        if not isinstance(expected, int) or not isinstance(count, int) or count >= expected:
            lines.append(f"- {letter.book(concern.line_item)}: některé fotky chybí.")
            continue
        total += expected - count
        got = f"jen {counted(count, PHOTOS_ACCUSATIVE)}" if count else "zatím žádnou fotku"
        lines.append(
            f"- {letter.book(concern.line_item)} potřebuje "
            f"{counted(expected, PHOTOS_ACCUSATIVE)}, od Vás jsme dostali {got}, "
            f"takže chybí {counted(expected - count, PHOTOS)}."
        )
    subject = f"chybí nám {counted(total, PHOTOS)}" if total else "chybí nám některé fotky"
    missing = plural(total or 2, Forms("chybějící fotku", "chybějící fotky", "chybějící fotky"))
    text = (
        "abychom mohli omalovánky připravit, potřebujeme od Vás ještě další fotky:\n"
        + "\n".join(lines)
        + f"\n\nPošlete nám prosím {missing} odpovědí na tento e-mail."
    )
    return subject, text


def _unreadable(letter: Letter, concerns: Sequence[Concern]) -> tuple[str, str]:
    n = len(concerns)
    subject = plural(n, Forms("fotku nelze otevřít", "fotky nelze otevřít", "fotky nelze otevřít"))
    these = plural(n, Forms("tuto fotku", "tyto fotky", "tyto fotky"))
    text = (
        f"bohužel se nám nepodařilo otevřít {letter.photos(concerns, PHOTOS_ACCUSATIVE)}. "
        "Soubor je možná poškozený nebo v nepodporovaném formátu.\n\n"
        f"Pošlete nám prosím {these} znovu, nejlépe jako JPG nebo PNG, odpovědí na tento e-mail."
    )
    return subject, text


def _duplicate(letter: Letter, concerns: Sequence[Concern]) -> tuple[str, str]:
    n = len(concerns)
    pairs = "\n".join(
        f"- fotka {letter.photo(c)} je stejná jako fotka {letter.photo(c, c.param('other'))}"
        for c in concerns
    )
    other = plural(n, Forms("jinou fotku", "jiné fotky", "jiné fotky"))
    text = (
        f"mezi Vašimi fotkami jsme našli stejné:\n{pairs}\n\n"
        f"Pokud jste chtěli poslat {other}, pošlete nám {plural(n, IT)} prosím odpovědí na "
        "tento e-mail. Je-li to tak správně, stačí nám to potvrdit a stejnou omalovánku "
        "vytiskneme vícekrát."
    )
    return "stejné fotky", text


def _low_quality(letter: Letter, concerns: Sequence[Concern]) -> tuple[str, str]:
    n, it = len(concerns), plural(len(concerns), IT)
    sizes = "\n".join(
        f"- fotka {letter.photo(c)} ({c.param('width') or '?'}×{c.param('height') or '?'} px)"
        for c in concerns
    )
    these = plural(n, Forms("Tato fotka má", "Tyto fotky mají", "Tyto fotky mají"))
    subject = plural(n, Forms("fotka má", "fotky mají", "fotky mají")) + " nízké rozlišení"
    blurred = Forms(
        "omalovánka by z ní byla rozmazaná",
        "omalovánky by z nich byly rozmazané",
        "omalovánky by z nich byly rozmazané",
    )
    pages = plural(n, Forms("omalovánku", "omalovánky", "omalovánky"))
    text = (
        f"{these} na tisk příliš nízké rozlišení, {plural(n, blurred)}:\n{sizes}\n\n"
        f"Máte-li {it} ve vyšším rozlišení (nejlépe přímo z telefonu nebo fotoaparátu, ne "
        f"z WhatsAppu či Messengeru), pošlete nám {it} prosím odpovědí na tento e-mail. "
        f"Pokud ne, dejte nám vědět a {pages} připravíme i tak."
    )
    return subject, text


def _consent(letter: Letter, concerns: Sequence[Concern]) -> tuple[str, str]:
    books = ", ".join(letter.book(c.line_item) for c in concerns) if letter.multi else ""
    text = (
        "k objednávce nám chybí Váš souhlas se zpracováním fotek"
        + (f" ({books})" if books else "")
        + ", bez kterého je nemůžeme použít.\n\n"
        "Potvrďte nám ho prosím odpovědí na tento e-mail, například větou: „Souhlasím se "
        "zpracováním svých fotek pro výrobu omalovánek.“"
    )
    return "potřebujeme Váš souhlas s použitím fotek", text


Writer = Callable[[Letter, Sequence[Concern]], tuple[str, str]]
# One text per case, in the order the page lists them.
WRITERS: dict[str, Writer] = {
    EmailCase.MISSING: _missing,
    EmailCase.UNREADABLE: _unreadable,
    EmailCase.DUPLICATE: _duplicate,
    EmailCase.LOW_QUALITY: _low_quality,
    EmailCase.CONSENT: _consent,
}


def order_concerns(line_items: Sequence[LineItem]) -> dict[str, list[Concern]]:
    """The order's hold findings that call for an e-mail, by case, in page order."""
    cases: dict[str, list[Concern]] = {}
    for item in line_items:
        found: list[tuple[Image | None, Mapping[str, Any]]]
        found = [(None, f) for f in item.intake_findings]
        found += [(image, f) for image in item.images.all() for f in image.intake_findings]
        for image, finding in found:
            kind = FINDING_KINDS.get(str(finding.get("code")))
            if kind is None or kind.level != Level.HOLD or kind.email_case is None:
                continue
            cases.setdefault(kind.email_case, []).append(Concern(item, image, finding))
    return cases


def hold_email_drafts(*, order: Order, line_items: Sequence[LineItem]) -> list[EmailDraft]:
    """One draft per e-mail case the order's hold findings call for. `line_items`: the
    order's, with their images prefetched in position order."""
    letter = Letter(order=order, multi=len(line_items) > 1)
    cases = order_concerns(line_items)
    greeting = f"Dobrý den, {order.customer_name}," if order.customer_name else "Dobrý den,"
    drafts = []
    for case, write in WRITERS.items():
        if case not in cases:
            continue
        subject, text = write(letter, cases[case])
        body = (
            f"{greeting}\n\nděkujeme za Vaši objednávku {order.order_number}. "
            f"{text[0].upper()}{text[1:]}\n\n{SIGNATURE}"
        )
        drafts.append(
            EmailDraft(
                case=case,
                label=str(EmailCase(case).label),
                to=order.customer_email,
                subject=f"Objednávka {order.order_number}: {subject}",
                body=body,
            )
        )
    return drafts
