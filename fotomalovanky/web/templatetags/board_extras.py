"""Template helpers of the order board's rows (fotomalovanky.web.board)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, naturaltime
from django.utils import timezone
from django.utils.timesince import timesince

from fotomalovanky.web.board import Attention, BookLine, book_lines, hold_badges, row_attention
from orders.models import Order

register = template.Library()


@register.filter
def attention_of(order: Order) -> Attention | None:
    return row_attention(order)


@register.filter
def holds_of(order: Order) -> list[str]:
    return hold_badges(order)


@register.filter
def books_of(order: Order) -> list[BookLine]:
    return book_lines(order)


@register.filter
def age(value: datetime) -> str:
    """How long ago, to one unit: "před 3 dny", "před 2 měsíci", "před 5 hodinami".

    Django's naturaltime in Czech (its grammatical case), but without its second unit
    ("před 10 měsíci, 1 týdnem"): staff read the age at a glance.
    """
    now = timezone.now()
    if value > now or (now - value).days == 0:
        return str(naturaltime(value))
    delta = timesince(value, now, time_strings=NaturalTimeFormatter.past_substrings, depth=1)
    return str(NaturalTimeFormatter.time_strings["past-day"] % {"delta": delta})
