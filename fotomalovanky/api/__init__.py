"""The JSON API v1 and its event stream.

- `v1`: the NinjaAPI instance, mounted at /api/v1/ through `urls`.
- `orders`, `images`, `versions`, `health`: the endpoints, by area.
- `auth`: tokens (issue, verify) and the token-or-session auth; `errors`: the one error
  shape; `schemas`: the shapes; `selectors`: the reads; `params`: path parameters.
- `events`: the /ws/events/ WebSocket consumer (routed by fotomalovanky.asgi).
"""
