from __future__ import annotations

from django.apps import AppConfig


class ShopifySyncConfig(AppConfig):
    name = "shopify_sync"
    verbose_name = "Shopify"

    def ready(self) -> None:
        from orders.signals import order_transitioned

        from . import receivers

        order_transitioned.connect(
            receivers.order_transitioned, dispatch_uid="shopify_sync.order_transitioned"
        )
