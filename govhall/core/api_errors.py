"""One error format for every 4xx of the API (docs/api.md "Errors").

Before this, a refused write answered DRF's `{"field": ["message"]}` and a conflict or a refusal
`{"detail": "...", "code": "..."}` (with extras such as `current_version`). Every 4xx now keeps the
second shape and adds the list the first one held, with the rule of each message:

    {"detail": "limit must be a whole number from 1 to 500.",   # the first message, for a human
     "code": "invalid",                                          # the first rule, for a program
     "errors": [{"field": "limit", "rule": "invalid", "message": "limit must be ..."}]}

`field` is the request field (nested ones as `items.0.name`), or null when the error is about the
whole request. Messages are in the request's language (LocaleMiddleware, Accept-Language).

Three places make the format, so no view needs to care:
- `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) for every exception DRF handles, with the
  rules from DRF's error codes;
- `error_response` for the domain errors the apps map themselves (cases.api.domain_error_response);
- `ApiErrorFormatMiddleware` for a 4xx body a view built by hand (`Response({"by": [...]}, 400)`),
  which gets the rule "invalid"; a body already in the format passes unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/v1/"
NON_FIELD = {"non_field_errors", "detail", "__all__", ""}


# For Django's own error pages; DRF's words, so DRF's catalogues translate them.
STATUS_MESSAGES = {
    403: gettext_lazy("You do not have permission to perform this action."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
}

# The rule of an error without a finer one, by status.
STATUS_RULES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    428: "precondition_required",
    429: "throttled",
}


def _items(data: Any, field: str | None, rule: str) -> Iterable[dict]:
    """Flatten DRF's nested error data (dicts of lists of details) into the list of errors."""
    if isinstance(data, dict):
        for key, value in data.items():
            key = str(key)
            sub = field if key in NON_FIELD else (f"{field}.{key}" if field else key)
            yield from _items(value, sub, rule)
    elif isinstance(data, list | tuple):
        if data and all(isinstance(v, str) for v in data):
            for value in data:
                yield from _items(value, field, rule)
        else:
            for index, value in enumerate(data):
                if value in ({}, [], None):
                    continue
                sub = f"{field}.{index}" if field else str(index)
                yield from _items(value, sub, rule)
    elif data is not None:
        code = getattr(data, "code", None) if isinstance(data, ErrorDetail) else None
        yield {"field": field, "rule": str(code or rule), "message": str(data)}


def is_formatted(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("errors"), list) and "detail" in data


def error_body(data: Any, status_code: int, *, extra: dict | None = None) -> dict:
    """The error format for `data` (DRF error data, a message, or a body already formatted)."""
    if is_formatted(data):
        return data
    rule = STATUS_RULES.get(status_code, "error")
    extras: dict = {}
    if isinstance(data, dict) and "detail" in data and not isinstance(data["detail"], list | dict):
        # The old shape {"detail", "code", extras...}: keep the extras (current_version, state, ...).
        detail = data["detail"]
        code = data.get("code") or getattr(detail, "code", None) or rule
        extras = {k: v for k, v in data.items() if k not in {"detail", "code", "errors"}}
        errors = [{"field": None, "rule": str(code), "message": str(detail)}]
    elif isinstance(data, dict) and isinstance(data.get("errors"), dict):
        errors = list(_items(data["errors"], None, rule))  # {"errors": {field: [messages]}}
    elif isinstance(data, dict):
        # {field: [messages], ...}; a plain value beside them (retry_at) is for the client to recover
        errors = list(_items({k: v for k, v in data.items() if isinstance(v, list | dict)}, None, rule))
        extras = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    else:
        errors = list(_items(data, None, rule))
    if not errors:
        errors = [{"field": None, "rule": rule, "message": _("The request was refused.")}]
    body = {"detail": errors[0]["message"], "code": errors[0]["rule"], "errors": errors}
    body.update(extras)
    if extra:
        body.update(extra)
    return body


def error_response(
    message: str, *, status_code: int, rule: str, field: str | None = None, **extra: Any
) -> Response:
    """A 4xx in the error format for one message (domain errors: stale version, refused move...)."""
    errors = [{"field": field, "rule": rule, "message": str(message)}]
    return Response({"detail": str(message), "code": rule, "errors": errors, **extra}, status=status_code)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, then its body in the error format (API paths only: Open311 keeps its own)."""
    response = drf_exception_handler(exc, context)
    if response is None or response.status_code < 400:
        return response
    request = context.get("request")
    if request is not None and not request.path.startswith(API_PREFIX):
        return response
    data = response.data
    if isinstance(data, dict) and not is_formatted(data) and "detail" not in data:
        detail = getattr(exc, "detail", None)
        if detail is not None and hasattr(exc, "get_codes"):
            data = detail  # the ErrorDetail objects keep their codes
    response.data = error_body(data, response.status_code)
    return response


class ApiErrorFormatMiddleware:
    """A 4xx JSON answer of the API that a view built by hand, put into the error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (400 <= response.status_code < 500 and request.path.startswith(API_PREFIX)):
            return response
        if getattr(response, "streaming", False):
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            return self._from_page(response)
        try:
            data = json.loads(response.content)
        except ValueError:
            return response
        if not is_formatted(data):
            response.content = json.dumps(error_body(data, response.status_code), ensure_ascii=False)
            response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def _from_page(response: HttpResponse) -> HttpResponse:
        """Django's own page (no API route matches the path: 404; a CSRF failure: 403) as an API error."""
        message = STATUS_MESSAGES.get(response.status_code, _("The request was refused."))
        body = error_body({"detail": str(message)}, response.status_code)
        replaced = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=response.status_code, content_type="application/json"
        )
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replaced[header] = response[header]
        return replaced


def field_errors(body: dict) -> dict[str | None, list[str]]:
    """{field: [messages]} of an error body: what tests and clients that want DRF's old view read."""
    out: dict[str | None, list[str]] = {}
    for item in body["errors"]:
        out.setdefault(item["field"], []).append(item["message"])
    return out


__all__ = [
    "ApiErrorFormatMiddleware",
    "error_body",
    "error_response",
    "exception_handler",
    "field_errors",
]
