"""The JSON API v1 (django-ninja), mounted at /api/v1/ by fotomalovanky.urls.

Every endpoint of the seed keeps its method and path. Endpoints parse the request, call
one service or selector and shape the answer; rules live in the services. Auth: a
bearer token or a staff session (see `auth`) of a user whose role holds the capability
the endpoint names as its `auth` (`VIEW` or `OPERATE`; one that names none is for
operators); `/health` is public; the OpenAPI document and its docs page are for anyone
with a role (or a token). Errors: see `errors`.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from fotomalovanky.permissions import Capability

from .auth import OPERATE, requires_or_token
from .books import router as books_router
from .errors import register_exception_handlers
from .health import router as health_router
from .images import router as images_router
from .orders import router as orders_router
from .versions import router as versions_router


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's own name (`order_list`), not ninja's module-path-prefixed one."""
        return operation.view_func.__name__


api = Api(
    title="Fotomalovánky Admin API",
    version="1",
    description=(
        "The shop's back-office API. Authenticate with `Authorization: Bearer <token>` "
        "(`manage.py issue_api_token <username>`) or a staff session (with CSRF). "
        "Live events: WebSocket `/ws/events/?token=<token>`."
    ),
    urls_namespace="api",
    auth=OPERATE,
    docs_decorator=requires_or_token(Capability.VIEW),
)
register_exception_handlers(api)

api.add_router("", health_router)
api.add_router("", orders_router)
api.add_router("", images_router)
api.add_router("", versions_router)
api.add_router("", books_router)
