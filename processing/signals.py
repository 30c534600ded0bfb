"""Signals that `processing` sends; the interface layer listens (processing imports none of it).

`version_changed` is sent after the transaction that changed a version committed (never
inside it), from web and worker processes alike: a new version, a status change, a
selection. The interface turns it into the JSON event and the page fragments.

Arguments:
- `kind`: the version kind's name (`"coloring"`, `"svg"`; see `processing.kinds`),
- `order_id` (int) and `order_number` (URL form, without "#"),
- `parent_id`: the id of the row the version belongs to (the Image of a colouring or SVG),
- `version_id` (int) and `status` (the version's status value),
- `event`: the JSON event for API clients, as the kind declares it.
"""

from __future__ import annotations

from django.dispatch import Signal

version_changed = Signal()
