"""Render time of the staff pages next to a plain Django template of the same size.

Fixed sizes: the order list with 10,000 orders (a page shows 50) and an order detail
with 50 photos carrying 5 colouring and 5 SVG versions each. Each is requested 60 times
through Django's test client by a logged-in staff member (the first 10 are warm-up);
prints median and p95, the same for a plain template rendering the same number of rows
(50 table rows; 50 cards of 10 version chips), and the ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from _common import describe_machine, percentile, setup_django, temporary_database

ROUNDS, WARMUP = 60, 10
PLAIN_LIST = """<table>{% for o in rows %}<tr><td><a href="/orders/{{ o.n }}/">#{{ o.n }}</a></td>
<td>{{ o.created|date:"j. n. Y H:i" }}</td><td>{{ o.name }}</td><td>{{ o.email }}</td>
<td>{{ o.items }}</td><td>{{ o.payment }}</td><td>{{ o.status }}</td></tr>{% endfor %}</table>"""
PLAIN_CARDS = """{% for c in cards %}<article id="image-{{ c.id }}"><h3>Fotka {{ c.id }}</h3>
<img src="/media/{{ c.id }}.jpg">{% for v in c.versions %}<span class="chip">v{{ v.n }}
{{ v.mp }}MP / {{ v.steps }}st <span class="badge">{{ v.status }}</span></span>{% endfor %}
</article>{% endfor %}"""


def timed(call: Callable[[], object]) -> list[float]:
    times = []
    for index in range(ROUNDS):
        started = time.perf_counter()
        call()
        if index >= WARMUP:
            times.append(time.perf_counter() - started)
    return times


def line(name: str, times: list[float]) -> str:
    return (
        f"  {name:<34} median {statistics.median(times) * 1000:7.2f} ms"
        f"   p95 {percentile(times, 95) * 1000:7.2f} ms"
    )


def ratio(measured: list[float], baseline: list[float]) -> float:
    return statistics.median(measured) / statistics.median(baseline)


def build() -> None:
    from django.utils import timezone

    from orders.models import Order
    from tests.factories import order_with_versions

    now = timezone.now()
    Order.objects.bulk_create(
        Order(
            order_number=f"#{n}",
            customer_name="Jana Nováková",
            payment_status="PAID",
            created_at=now - timedelta(seconds=n),
        )
        for n in range(10_000)
    )
    order_with_versions("#B1270")


def main() -> None:
    setup_django()
    with temporary_database():
        from django.contrib.auth.models import User
        from django.template import Context, Template
        from django.test import Client
        from django.utils import timezone

        build()
        client = Client()
        client.force_login(User.objects.create_user("bench", is_staff=True))
        list_page = timed(lambda: client.get("/orders/?page=2"))
        detail = timed(lambda: client.get("/orders/B1270/"))
        rows = [
            dict(
                n=n,
                created=timezone.now(),
                name="Jana",
                email="j@x.cz",
                items="2 omalovánky",
                payment="Zaplaceno",
                status="Ke kontrole",
            )
            for n in range(50)
        ]
        cards = [
            dict(id=i, versions=[dict(n=v, mp=1, steps=4, status="Dokončeno") for v in range(10)])
            for i in range(50)
        ]
        list_template, cards_template = Template(PLAIN_LIST), Template(PLAIN_CARDS)
        plain_list = timed(lambda: list_template.render(Context({"rows": rows})))
        plain_cards = timed(lambda: cards_template.render(Context({"cards": cards})))

        print(f"pages ({describe_machine()})")
        print(line("order list (10,000 orders, 50 shown)", list_page))
        print(line("plain template, 50 rows", plain_list))
        print(f"  ratio list/plain (medians): {ratio(list_page, plain_list):.1f}")
        print(line("order detail (50 photos x 10 versions)", detail))
        print(line("plain template, 50 cards x 10 chips", plain_cards))
        print(f"  ratio detail/plain (medians): {ratio(detail, plain_cards):.1f}")


if __name__ == "__main__":
    main()
