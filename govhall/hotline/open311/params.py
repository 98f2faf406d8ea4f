"""Parsing Open311 input: the GET filters of requests.{fmt} and the form of a POST, into our terms. Every
problem becomes an Open311Error carrying the spec's HTTP status and a list of (code, description)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from govhall.hotline.models import RequestType, Subject

WINDOW = timedelta(days=90)  # the spec's default range and the widest one allowed
MAX_RESULTS = 1000  # rows of one GET requests answer, newest first (the spec leaves the cap to us)
MAX_IDS = 100  # service_request_id values in one GET
REQUEST_TYPE_ATTRIBUTE = "request_type"  # an attribute with this code sets the ticket's request type


class Open311Error(Exception):
    def __init__(self, status: int, errors: list[str]):
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = [(status, text) for text in errors]


def bad_request(*texts: str) -> Open311Error:
    return Open311Error(400, list(texts))


# GET requests


@dataclass
class RequestFilter:
    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_when(value: str, name: str) -> datetime:
    """A W3C date-time (2026-12-07T09:00:00+08:00, …Z) or a date; without an offset, the centre's time."""
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise bad_request(
            _("%(name)s: “%(value)s” is not an ISO 8601 date-time such as 2026-12-07T09:00:00+08:00.")
            % {"name": name, "value": value[:40]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_filter(query, *, now: datetime) -> RequestFilter:
    """The spec's filters. service_request_id overrides the others; otherwise the range is at most 90
    days and defaults to the 90 days up to now (or up to end_date, or from start_date)."""
    ids = _csv(query.get("service_request_id"))
    if ids:
        if len(ids) > MAX_IDS:
            raise bad_request(
                _("service_request_id: at most %(n)s identifiers in one request.") % {"n": MAX_IDS}
            )
        return RequestFilter(ids=ids)
    errors = []
    codes = _csv(query.get("service_code"))
    if codes:
        known = set(public_services().filter(code__in=codes).values_list("code", flat=True))
        errors += [
            _("service_code: “%(code)s” is not a service of this endpoint.") % {"code": c[:20]}
            for c in codes
            if c not in known
        ]
    statuses = [s.lower() for s in _csv(query.get("status"))]
    errors += [
        _("status: “%(value)s” is neither open nor closed.") % {"value": s[:20]}
        for s in statuses
        if s not in ("open", "closed")
    ]
    start = end = None
    for name in ("start_date", "end_date"):
        raw = query.get(name)
        if raw:
            try:
                moment = parse_when(raw, name)
            except Open311Error as exc:
                errors += [text for _code, text in exc.errors]
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if errors:
        raise bad_request(*errors)
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end:
        raise bad_request(_("start_date must not be after end_date."))
    if end - start > WINDOW:
        raise bad_request(_("start_date and end_date may not span more than 90 days."))
    return RequestFilter(service_codes=codes, statuses=sorted(set(statuses)), start=start, end=end)


# Services and their definitions


def public_services():
    """The subjects open to the public through Open311: active public leaves (level 3)."""
    return Subject.objects.filter(is_public=True, is_active=True, level=3)


def attribute_definitions(subject: Subject) -> list[dict]:
    """The subject's attributes in the spec's shape (defaults filled in, in their order)."""
    made = []
    for order, spec in enumerate(subject.attributes or [], start=1):
        values = [{"key": str(v.get("key", "")), "name": v.get("name", "")} for v in spec.get("values") or []]
        made.append(
            {
                "variable": bool(spec.get("variable", True)),
                "code": str(spec.get("code", "")),
                "datatype": spec.get("datatype", "string"),
                "required": bool(spec.get("required", False)),
                "datatype_description": spec.get("datatype_description", ""),
                "order": int(spec.get("order", order)),
                "description": spec.get("description", ""),
                "values": values,
            }
        )
    return sorted(made, key=lambda a: a["order"])


def _answers(form) -> dict[str, list[str]]:
    """attribute[code]=v and attribute[code][]=v (multivaluelist) from the form."""
    answers: dict[str, list[str]] = {}
    for key in form:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute[") : key.index("]")]
            answers.setdefault(code, []).extend(v for v in form.getlist(key) if v.strip() != "")
    return answers


def check_attributes(subject: Subject, form) -> dict:
    """The answers to the subject's service definition, checked: required ones, value lists, numbers,
    date-times; an attribute the definition does not have is refused."""
    definitions = {a["code"]: a for a in attribute_definitions(subject)}
    answers = _answers(form)
    errors, clean = [], {}
    for code in answers:
        if code not in definitions:
            errors.append(
                _("attribute[%(code)s]: the service %(service)s has no such attribute.")
                % {"code": code[:30], "service": subject.code}
            )
    for code, spec in definitions.items():
        given = answers.get(code, [])
        if not spec["variable"]:
            continue
        if not given:
            if spec["required"]:
                errors.append(_("attribute[%(code)s]: this attribute is required.") % {"code": code})
            continue
        keys = [v["key"] for v in spec["values"]]
        datatype = spec["datatype"]
        if datatype == "multivaluelist":
            wrong = [v for v in given if v not in keys]
            value = given
        else:
            if len(given) > 1:
                errors.append(_("attribute[%(code)s]: give one value.") % {"code": code})
                continue
            value = given[0].strip()
            wrong = [value] if datatype == "singlevaluelist" and value not in keys else []
            if datatype == "number":
                try:
                    Decimal(value)
                except InvalidOperation:
                    errors.append(_("attribute[%(code)s]: a number.") % {"code": code})
            elif datatype == "datetime":
                try:
                    value = parse_when(value, f"attribute[{code}]").isoformat()
                except Open311Error as exc:
                    errors += [text for _c, text in exc.errors]
            elif len(value) > 4000:
                errors.append(_("attribute[%(code)s]: at most 4000 characters.") % {"code": code})
        if wrong:
            errors.append(
                _("attribute[%(code)s]: “%(value)s” is not one of: %(allowed)s.")
                % {"code": code, "value": ", ".join(wrong)[:40], "allowed": ", ".join(keys)}
            )
        clean[code] = value
    if errors:
        raise bad_request(*errors)
    return clean


# POST requests

FIELD_NAMES = {  # register_ticket's field → the Open311 parameter a client sent
    "subject": "service_code",
    "lat": "lat",
    "lon": "long",
    "content": "description",
    "title": "description",
    "address": "address_string",
    "caller_phone": "phone",
    "caller_name": "first_name",
    "request_type": f"attribute[{REQUEST_TYPE_ATTRIBUTE}]",
}


def _full_name(last: str, first: str) -> str:
    """Surname first; Chinese names without a space (张 + 三 → 张三), others with one."""
    parts = [p for p in (last, first) if p]
    chinese = all(p and "\u4e00" <= p[0] <= "\u9fff" for p in parts)
    return ("" if chinese else " ").join(parts)


def parse_post(form) -> dict:
    """The keyword arguments of register_ticket (channel and key apart) from an Open311 POST form."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise bad_request(_("service_code: this parameter is required."))
    subject = public_services().filter(code=code).first()
    if subject is None:
        raise bad_request(
            _("service_code: “%(code)s” is not a service of this endpoint.") % {"code": code[:20]}
        )
    errors = []
    lat, lon = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    address = (form.get("address_string") or "").strip()
    if not address and not (lat and lon):
        errors.append(_("Give a location: lat and long, or address_string."))
    description = (form.get("description") or "").strip()
    if len(description) > 4000:
        errors.append(_("description: at most 4000 characters."))
    email = (form.get("email") or "").strip()
    if email and ("@" not in email or len(email) > 254):
        errors.append(_("email: “%(value)s” is not an e-mail address.") % {"value": email[:40]})
    try:
        attributes = check_attributes(subject, form)
    except Open311Error as exc:
        errors += [text for _c, text in exc.errors]
        attributes = {}
    request_type = attributes.get(REQUEST_TYPE_ATTRIBUTE) or RequestType.HELP
    if errors:
        raise bad_request(*errors)
    name = _full_name((form.get("last_name") or "").strip(), (form.get("first_name") or "").strip())
    phone = (form.get("phone") or "").strip()
    title = (description.splitlines()[0] if description else subject.name)[:60]
    return {
        "request_type": request_type,
        "subject": subject.code,
        "title": title,
        "content": description or subject.name,
        "address": address,
        "lat": lat or None,
        "lon": lon or None,
        "caller_name": name,
        "caller_phone": phone,
        # Without a phone number nobody can call back: the ticket is anonymous (no callback).
        "anonymous": not phone,
        "attributes": attributes,
    }


def validation_errors(exc: ValidationError) -> Open311Error:
    """A service's ValidationError in Open311 terms: each message prefixed by the parameter name."""
    if not hasattr(exc, "error_dict"):
        return bad_request(*exc.messages)
    texts = []
    for name, messages in exc.message_dict.items():
        param = FIELD_NAMES.get(name, name)
        texts += [f"{param}: {m}" for m in messages]
    return bad_request(*texts)
