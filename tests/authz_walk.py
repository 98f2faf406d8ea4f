"""Walking the URL configuration and the OpenAPI schema for the authorisation matrix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz_city import City

SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/", "/portal/login/", "/portal/sign-in/")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace, or the pattern when the URL has no name
    pattern: str
    params: tuple[str, ...]
    callback: object


def _params(pattern: str) -> tuple[str, ...]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern) + re.findall(r"\(\?P<(\w+)>", pattern)
    return tuple(dict.fromkeys(names))


def routes() -> list[Route]:
    """Every URL pattern of the project, once per key (format-suffix twins are left out: the same view)."""
    found: dict[str, Route] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                pattern = prefix + str(p.pattern)
                if ("format" in _params(pattern) and "<drf_format_suffix" in pattern) or (
                    r"\.(?P<format>" in pattern
                ):
                    continue
                key = f"{namespace}:{p.name}" if namespace and p.name else (p.name or pattern)
                found.setdefault(key, Route(key, pattern, _params(pattern), p.callback))

    walk(get_resolver(), "", "")
    return sorted(found.values(), key=lambda r: r.key)


# Fillers of path parameters: by URL key (exact), then by key prefix, then by parameter name.
# A value names an entry of City.values, or is a literal after "=".
BY_KEY: dict[str, dict[str, str]] = {
    "cases:decide-extension": {"pk": "extension"},
    "cases:consultation": {"pk": "consultation"},
    "cases:consultation-action": {"pk": "consultation", "name": "=answer"},
    "cases:document": {"pk": "case_document_case", "document": "case_document"},
    "supervision:escalate": {"pk": "step"},
    "supervision:card": {"pk": "card"},
    "supervision:card-action": {"pk": "card", "action": "=reply"},
    "supervision:order": {"pk": "order"},
    "supervision:order-action": {"pk": "order", "action": "=reply"},
    "visits:book": {"code": "item_code"},
    "visits:booking": {"code": "booking"},
    "visits:kiosk-ticket": {"pk": "visit"},
    "visits:my-number": {"pk": "visit"},
    "visits:window": {"pk": "window"},
    "visits:window-act": {"pk": "window"},
    "visits:tablet-pair": {"token": "=not-a-token"},
    "visits:follow-up": {"pk": "follow_up"},
    "visits:follow-up-move": {"pk": "follow_up", "name": "=verify"},
    "stats:export": {"name": "=department", "fmt": "=csv"},
    "portal:licence-pdf": {"number": "licence"},
    "portal-api:licence-pdf": {"number": "licence"},
    "portal:company": {"pk": "company"},
    "portal:member-revoke": {"pk": "company", "member_pk": "member"},
    "portal-api:company": {"pk": "company"},
    "portal-api:members": {"pk": "company"},
    "portal-api:member-revoke": {"pk": "company", "member_pk": "member"},
    "portal:guide_version": {"code": "item_code", "version": "=1"},
    "portal:lane": {"code": "lane_code"},
    "portal:apply-lane": {"code": "lane_code"},
    "portal:form_file": {"pk": "form_file"},
    "portal:consult-detail": {"pk": "consultation"},
    "portal-api:consultation": {"pk": "consultation"},
    "portal-api:my-inbox-read": {"pk": "inbox"},
    "portal:application-remove": {"pk": "application", "document": "application_document"},
    "portal-api:application-document": {"pk": "application", "document": "application_document"},
    "portal:help-ask": {"pk": "application"},
    "portal:help-review": {"pk": "help", "document": "application_document"},
    "portal-api:help-review": {"pk": "help", "document": "application_document"},
    "hotline:dispatch": {"pk": "dispatch"},
    "hotline:dispatch-reveal": {"pk": "dispatch"},
    "hotline:dispatch-move": {"pk": "dispatch", "name": "=sign"},
    "hotline:ticket-move": {"pk": "ticket", "name": "=reply"},
    "hotline:knowledge-step": {"pk": "knowledge", "name": "=submit"},
    "hotline_web:mine-detail": {"number": "ticket_number"},
    "hotline_web:detail": {"number": "ticket_number"},
    "open311:service": {"code": "subject_code", "fmt": "=json"},
    "open311:request": {"number": "ticket_number", "fmt": "=json"},
    "media": {"path": "=cases/nothing.pdf"},
    "department-detail": {"pk": "department"},
    "hall-detail": {"pk": "hall"},
    "window-detail": {"pk": "window"},
    "item-detail": {"pk": "item"},
    "item-versions": {"code": "item_code"},
    "extension-decide": {"pk": "extension"},
    "lane-form": {"code": "lane_code"},
    "lane-apply": {"code": "lane_code"},
    "case-document-download": {"pk": "case_document_case", "document": "case_document"},
    "visits-booking-cancel": {"code": "booking"},
    "visits-booking-change": {"code": "booking"},
    "visits-queue": {"hall": "hall_code", "group": "group"},
    "visits-display": {"hall": "hall_code"},
    "visits-call-next": {"window": "window"},
}
BY_PREFIX: list[tuple[str, dict[str, str]]] = [
    ("cases:", {"pk": "case", "kind": "=acceptance", "action": "=accept"}),
    ("case-", {"pk": "case"}),
    ("lanes:", {"pk": "lane_case", "action": "=advance"}),
    ("lane-case", {"pk": "lane_case", "action": "=advance"}),
    ("api/v1/supervision/cards/", {"pk": "card"}),
    ("supervision-api-card", {"pk": "card"}),
    ("api/v1/supervision/orders/", {"pk": "order"}),
    ("supervision-api-order", {"pk": "order"}),
    ("visits-", {"pk": "visit"}),
    ("api-follow-up", {"pk": "follow_up"}),
    ("visits:", {"hall_code": "hall_code"}),
    ("stats:", {"month": "report_month", "fmt": "=csv"}),
    ("portal:my-", {"number": "my_case_number", "kind": "=acceptance"}),
    ("portal-api:my-", {"number": "my_case_number", "kind": "=acceptance"}),
    ("portal:application", {"pk": "application", "material": "material"}),
    ("portal-api:application", {"pk": "application", "material": "material"}),
    ("portal:help", {"pk": "help"}),
    ("portal-api:help", {"pk": "help"}),
    ("portal", {"code": "item_code"}),
    ("hotline:knowledge", {"pk": "knowledge"}),
    ("api-knowledge", {"pk": "knowledge"}),
    ("hotline:", {"pk": "ticket", "fmt": "=csv"}),
    ("api-hotline-ticket", {"pk": "ticket"}),
    ("api-hotline-dispatch-ticket", {"pk": "ticket"}),
    ("api-hotline-reply", {"pk": "ticket"}),
    ("api-hotline-callback", {"pk": "ticket"}),
    ("api-hotline-review", {"pk": "ticket"}),
    ("api-hotline-", {"pk": "dispatch"}),
    ("open311:", {"fmt": "=json"}),
]


def _admin_object(key: str) -> str:
    """The first object of the model an admin URL serves (admin:app_model_change, or the unnamed
    admin/app/model/<object_id>/ that redirects to it)."""
    match = re.fullmatch(r"admin:(\w+?)_([a-z0-9]+)_(change|delete|history|password_change|version)", key)
    match = match or re.fullmatch(r"admin/(\w+)/(\w+)/<path:object_id>/", key)
    if not match:
        return "0"
    label = "core" if match.group(1) == "auth" and match.group(2) == "user" else match.group(1)
    model = apps.get_model(label, match.group(2))
    row = model._default_manager.order_by("pk").first()
    return str(row.pk) if row is not None else "0"


def fill(route: Route, city: City) -> dict[str, str] | None:
    """The path parameters of `route`, or None when it cannot be filled (then the table must say why)."""
    if not route.params:
        return {}
    if route.key.startswith(("admin:", "admin/")):
        if route.params in (("object_id",), ("id",)):
            return {route.params[0]: _admin_object(route.key)}
        if route.params == ("app_label",):
            return {"app_label": "cases"}
        return None
    fillers: dict[str, str] = {}
    for prefix, mapping in reversed(BY_PREFIX):
        if route.key.startswith(prefix):
            fillers.update(mapping)
    fillers.update(BY_KEY.get(route.key, {}))
    out: dict[str, str] = {}
    for param in route.params:
        spec = fillers.get(param)
        if spec is None:
            return None
        out[param] = spec[1:] if spec.startswith("=") else str(city.values[spec])
    return out


def concrete_path(route: Route, kwargs: dict[str, str]) -> str:
    """The pattern with its parameters put in (regex patterns included)."""
    path = route.pattern
    for name, value in kwargs.items():
        path = re.sub(r"\(\?P<" + name + r">[^)]*\)", value, path)
        path = re.sub(r"<(?:\w+:)?" + name + ">", value, path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path


def outcome(response) -> str:
    """What the table stores: the status, or "signin" for a redirect to a sign-in page."""
    if response.status_code in (301, 302, 303, 307):
        location = response.get("Location", "")
        if any(p in location for p in SIGN_IN_PATHS):
            return "signin"
        return str(response.status_code)
    return str(response.status_code)
