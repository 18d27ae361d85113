"""The public JSON API, ``/api/v1/``, built with django-ninja.

django-ninja was chosen over DRF + drf-spectacular because its schemas are the type
hints (pydantic), the OpenAPI document comes from the same source with no extra
package, and it is light on a hot path. Each app contributes a router; this module is
the one place that mounts them all.

Auth: the browser's session (with CSRF on unsafe methods) or ``Authorization: Bearer
<token>`` for scripts. Errors are ``{"detail": "..."}`` with a 4xx status.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from community.api import router as community_router
from feedback.api import router as feedback_router
from releases.api import router as releases_router

api = NinjaAPI(
    title="Fanloop API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _detail(request, message, status: int, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _detail(
        request, "Authentication required: log in or send a bearer token.", 401
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _detail(request, str(exc) or "You do not have permission to do this.", 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _detail(request, str(exc) or "Not found.", 404)


@api.exception_handler(ValidationError)
def on_django_validation(request, exc):
    return _detail(request, " ".join(exc.messages), 422)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    parts = []
    for error in exc.errors:
        where = ".".join(
            str(p) for p in error.get("loc", ()) if p not in {"body", "payload"}
        )
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return _detail(
        request, "; ".join(parts) or "Invalid input.", 422, errors=exc.errors
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _detail(request, str(exc.message), exc.status_code)


api.add_router("", community_router)
api.add_router("", feedback_router)
api.add_router("", releases_router)
