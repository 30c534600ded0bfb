"""Czech plurals of counted nouns: one rule, the forms given by the caller.

Czech picks the form by the number alone: 1 takes the singular ("1 fotka"), 2 to 4 the
plural ("3 fotky"), and 0, 5 and more the genitive plural ("0 fotek", "5 fotek",
"22 fotek"); unlike Polish or Russian, 22–24 keep the genitive. The caller gives the
three forms in the grammatical case its sentence needs ("chybí 1 fotka", "potřebuje
1 fotku"), and the same rule picks a verb or pronoun that agrees ("má" / "mají").
"""

from __future__ import annotations

from typing import NamedTuple


class Forms(NamedTuple):
    one: str  # 1
    few: str  # 2–4
    many: str  # 0, 5 and more


PHOTOS = Forms("fotka", "fotky", "fotek")
PHOTOS_ACCUSATIVE = Forms("fotku", "fotky", "fotek")
DAYS = Forms("den", "dny", "dní")


def plural(count: int, forms: Forms) -> str:
    """The form of `forms` that goes with `count` (negative counts as their size)."""
    count = abs(count)
    if count == 1:
        return forms.one
    if 2 <= count <= 4:
        return forms.few
    return forms.many


def counted(count: int, forms: Forms) -> str:
    """ "1 fotka", "3 fotky", "5 fotek": the number and its form."""
    return f"{count} {plural(count, forms)}"
