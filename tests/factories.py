"""factory_boy factories with the minimal required fields."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone

from fotomalovanky.permissions import ROLE_GROUPS, Role
from orders.models import Image, LineItem, Order
from processing.models import ColoringVersion, SvgVersion


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("heslo-123")
    is_active = True

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: object) -> None:
        """`UserFactory(role=Role.PRINTER)`: the user joins that role's group."""
        if create and extracted is not None:
            self.groups.add(Group.objects.get(name=ROLE_GROUPS[extracted]))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    shopify_id = factory.Sequence(lambda n: 5_000_000 + n)
    order_number = factory.Sequence(lambda n: f"#{1000 + n}")
    customer_name = "Jana Nováková"
    customer_email = factory.Sequence(lambda n: f"jana{n}@example.cz")
    payment_status = "PAID"
    shipping_method = "Zásilkovna"


class LineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineItem

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n + 1)
    shopify_line_item_id = factory.Sequence(lambda n: 9_000_000 + n)
    title = "Omalovánka z vlastních fotek"


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    line_item = factory.SubFactory(LineItemFactory)
    position = factory.Sequence(lambda n: n + 1)
    original_url = factory.Sequence(lambda n: f"https://cdn.example.com/photos/{n}.jpg")

    class Params:
        downloaded = factory.Trait(
            file=factory.LazyFunction(lambda: ContentFile(b"\xff\xd8fake", name="photo.jpg")),
            content_type="image/jpeg",
            size=6,
            downloaded_at=factory.LazyFunction(timezone.now),
        )


class ColoringVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ColoringVersion

    image = factory.SubFactory(ImageFactory, downloaded=True)
    version = factory.Sequence(lambda n: n + 1)


class SvgVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SvgVersion

    image = factory.SelfAttribute("coloring_version.image")
    coloring_version = factory.SubFactory(ColoringVersionFactory, status="completed")
    version = factory.Sequence(lambda n: n + 1)


def order_with_versions(order_number: str, *, items: int = 5, photos: int = 10) -> Order:
    """A big order in a few bulk inserts: `items` × `photos` images, each with colouring
    versions v1–v5 (v5 selected) and SVG versions v1–v5 in error."""
    order = OrderFactory(order_number=order_number)
    line_items = LineItem.objects.bulk_create(
        LineItem(order=order, position=p, title=f"Kniha {p}") for p in range(1, items + 1)
    )
    images = Image.objects.bulk_create(
        Image(line_item=item, position=p, original_url="https://cdn.example.com/a.jpg")
        for item in line_items
        for p in range(1, photos + 1)
    )
    colorings = ColoringVersion.objects.bulk_create(
        ColoringVersion(image=image, version=v, status="completed", is_selected=v == 5)
        for image in images
        for v in range(1, 6)
    )
    SvgVersion.objects.bulk_create(
        SvgVersion(
            image=c.image,
            coloring_version=c,
            version=c.version,
            status="error",
            error_message="Vectorizer: 402",
        )
        for c in colorings
    )
    return order
