"""Signals that `orders` sends and other apps listen to (orders imports neither of them).

`order_changed` is sent after the transaction that changed an order committed (never
inside it), from web and worker processes alike. The interface layer
(fotomalovanky.web.live) turns it into live events for the pages and the JSON event stream.

Arguments: `order_id` (int), `order_number` (URL form, without "#"), `created` (bool:
the order is new, so lists must show a new row).

`order_transitioned` is sent, also after commit, when an order's status changed:
`order_id`, `from_status`, `to_status`, `actor`. Apps that act on a lifecycle step
(telling Shopify an order shipped, stopping work of a cancelled order) listen to it.

`intake_checked` is sent after commit when the intake checks (`orders.intake`) have
judged an order's current photo set, or staff confirmed "Generovat i tak": `order_id`,
`held` (bool: the order still waits for staff). The autopilot listens to it.
"""

from __future__ import annotations

from django.dispatch import Signal

order_changed = Signal()
order_transitioned = Signal()
intake_checked = Signal()
