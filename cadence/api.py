"""The NinjaAPI at /api/v1/: authentication, problem+json errors, and every app's router."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cadence.api_auth import SIGNED_IN
from core.errors import CadenceError, Conflict, RateLimited, ValidationFailed


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title}
    body |= {k: v for k, v in extra.items() if v is not None}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not allowed here."),
        "string_too_long": _("Ensure this value has at most %(n)s characters.") % {"n": ctx.get("max_length")},
        "string_too_short": _("Ensure this value has at least %(n)s characters.") % {"n": ctx.get("min_length")},
        "string_pattern_mismatch": _("This value has characters or a form that is not allowed."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "greater_than_equal": _("Must be at least %(n)s.") % {"n": ctx.get("ge")},
        "less_than_equal": _("Must be at most %(n)s.") % {"n": ctx.get("le")},
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter text."),
        "list_type": _("Enter a list."),
        "enum": _("Choose one of: %(n)s.") % {"n": ctx.get("expected")},
        "literal_error": _("Choose one of: %(n)s.") % {"n": ctx.get("expected")},
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("The request body must be a JSON object."),
        "dict_type": _("The request body must be a JSON object."),
    }
    return str(messages.get(kind, _("Enter a valid value.")))


class CadenceAPI(NinjaAPI):
    _schema_cache: dict[str, Any]

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's description, made valid OpenAPI 3.1, with errors documented as
        application/problem+json, which is what they are sent as. Built once per prefix: the routes
        never change while the process runs, and building the description takes seconds."""
        key = repr((args, sorted(kwargs.items())))
        cache = self.__dict__.setdefault("_schema_cache", {})
        if key not in cache:
            cache[key] = self._build_schema(*args, **kwargs)
        return cache[key]

    def _build_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    # Ninja copies a parameter schema's `examples` (a JSON Schema list) onto the
                    # parameter, where OpenAPI wants a map of named examples: give its first as
                    # the parameter's `example`; the list stays in the parameter's schema.
                    if isinstance(parameter.get("examples"), list):
                        parameter["example"] = parameter.pop("examples")[0]
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(code) >= 400 and content and "application/json" in content:
                        response["content"] = {"application/problem+json": content["application/json"]}
        return schema


api = CadenceAPI(
    title="Cadence API",
    version="1",
    description="Product and project management for product teams. Authenticate with a personal API token: "
    "`Authorization: Bearer cad_…`.",
    auth=SIGNED_IN,
    urls_namespace="api",
)


@api.exception_handler(CadenceError)
def _cadence_error(request: HttpRequest, exc: CadenceError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationFailed):
        extra["errors"] = [{"field": f, "message": m} for f, msgs in exc.errors.items() for m in msgs]
    if isinstance(exc, Conflict):
        extra["current"] = exc.current
    response = problem(exc.status, str(exc.title), str(exc.detail), **extra)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _field_name(e.get("loc", [])), "message": _message(e)} for e in exc.errors]
    return problem(422, _("Some fields are not valid."), errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(401, _("Authentication required."))
    response["WWW-Authenticate"] = 'Bearer realm="cadence"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and "CSRF" in str(exc):
        return problem(403, _("The CSRF check failed. Reload the page and try again."))
    return problem(exc.status_code, str(exc))


def _register_routers() -> None:
    """Every app's declared router, in INSTALLED_APPS order (core.modules)."""
    from core.modules import cadence_apps

    for config in cadence_apps():
        router = config.api_router()
        if router is not None:
            api.add_router("", router)


_register_routers()
