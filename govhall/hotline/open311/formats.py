"""Open311 GeoReport v2 serialisation: the same data as JSON or XML, the spec's element names, ISO 8601
times with the centre's offset, and the spec's error list ([{code, description}] / <errors><error>)."""

from __future__ import annotations

import json
from datetime import datetime
from xml.sax.saxutils import escape

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

# A list under these keys repeats the named child element in XML (the spec's plural → singular).
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def iso(value: datetime | None) -> str | None:
    """2026-12-07T09:00:00+08:00: local time of the centre with its offset, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value) or ""
    return escape(str(value))


def _xml(name: str, value, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, item in value.items():
            _xml(key, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        child = XML_ITEMS.get(name, "item")
        out.append(f"<{name}>")
        for item in value:
            _xml(child, item, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


def to_xml(root: str, data) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, data, out)
    return "".join(out)


def render(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """`data` as the body: `root` names the XML document element (services, service_requests, ...)."""
    body = to_xml(root, data) if fmt == XML else json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(errors: list[tuple[int, str]], fmt: str, *, status: int) -> HttpResponse:
    return render(
        [{"code": code, "description": description} for code, description in errors],
        fmt,
        root="errors",
        status=status,
    )
