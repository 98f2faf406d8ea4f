"""The unified form (一表通): validating one submission against a lane's fields, filling each item's
application from it, and the form as JSON (export and all-or-nothing import).

Every rule failure is collected, so the applicant hears about every wrong field at once; each message
names the field's label and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from govhall.cases.validators import (
    credit_code_error,
    normalize_credit_code,
    normalize_id_number,
    resident_id_error,
)
from govhall.core import inputs
from govhall.lanes.models import FieldType, FormField, StageItem

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Submission:
    """The cleaned values by field key (JSON-ready), or the errors by field key."""

    values: dict
    errors: dict[str, list[str]]

    @property
    def is_valid(self) -> bool:
        return not self.errors


# Numbers in a unified form (registered capital, area, …): at most this many digits before the point.
NUMBER_DIGITS = 15
# An address becomes the case's contact address (cases.Contact: 300 characters).
ADDRESS_MAX = 300


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else ""
    return str(raw).strip()


def field_errors(field: FormField, raw, *, today: date) -> tuple[object, list[str]]:
    """(clean value, error messages) of one field."""
    label = field.label
    errors: list[str] = []
    if field.field_type == FieldType.FILE:
        if isinstance(raw, UploadedFile):
            if raw.size > MAX_UPLOAD_BYTES:
                return None, [_("%(label)s: the file is larger than 20 MB.") % {"label": label}]
            return raw, []
        value = _text(raw)  # an already stored file (its storage name), e.g. through the API
        if not value:
            return None, [_("%(label)s is required.") % {"label": label}] if field.required else []
        return value, []
    value = _text(raw)
    if not value:
        return "", [_("%(label)s is required.") % {"label": label}] if field.required else []
    kind = field.field_type
    if kind in (FieldType.TEXT, FieldType.ADDRESS):
        if field.min_length and len(value) < field.min_length:
            errors.append(
                _("%(label)s: at least %(n)s characters.") % {"label": label, "n": field.min_length}
            )
        # A field configured without a maximum still gets the shared one (core.inputs.TEXT_MAX).
        longest = field.max_length or (ADDRESS_MAX if kind == FieldType.ADDRESS else inputs.TEXT_MAX)
        if len(value) > longest:
            errors.append(_("%(label)s: at most %(n)s characters.") % {"label": label, "n": longest})
            return value[:longest], errors
        if kind == FieldType.ADDRESS and not field.min_length and len(value) < 6:
            errors.append(
                _("%(label)s: give the full address (district, street and number).") % {"label": label}
            )
        if field.pattern and not re.fullmatch(field.pattern, value):
            errors.append(
                _("%(label)s: %(rule)s") % {"label": label, "rule": field.pattern_message}
                if field.pattern_message
                else _("%(label)s does not have the expected form.") % {"label": label}
            )
        return value, errors
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(value) if len(value) <= 40 else None
        except InvalidOperation:
            number = None
        # "NaN", "Infinity" and 1E+999999 are Decimals too: refuse them before any comparison or format.
        if number is None or not number.is_finite() or abs(number.adjusted()) > NUMBER_DIGITS:
            return value[:40], [
                _("%(label)s: enter a number (digits, at most %(n)s before the decimal point).")
                % {"label": label, "n": NUMBER_DIGITS}
            ]
        if field.min_value is not None and number < field.min_value:
            errors.append(_("%(label)s: at least %(n)s.") % {"label": label, "n": _plain(field.min_value)})
        if field.max_value is not None and number > field.max_value:
            errors.append(_("%(label)s: at most %(n)s.") % {"label": label, "n": _plain(field.max_value)})
        return _plain(number), errors
    if kind == FieldType.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value[:40], [_("%(label)s: enter a date as YYYY-MM-DD.") % {"label": label}]
        try:
            inputs.in_calendar(day)
        except ValidationError as exc:
            return value, [f"{label}: {exc.messages[0]}"]
        return day.isoformat(), errors
    if kind == FieldType.CHOICE:
        if value not in [str(c) for c in field.choices]:
            errors.append(
                _("%(label)s: choose one of %(choices)s.")
                % {"label": label, "choices": "、".join(field.choices)}
            )
        return value, errors
    if kind == FieldType.ID_NUMBER:
        message = resident_id_error(value, today=today)
        if message:
            errors.append(f"{label}: {message}")
        return normalize_id_number(value), errors
    if kind == FieldType.CREDIT_CODE:
        message = credit_code_error(value)
        if message:
            errors.append(f"{label}: {message}")
        return normalize_credit_code(value), errors
    return value, errors


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def validate(
    fields: Iterable[FormField], data: Mapping, files: Mapping | None = None, *, today: date
) -> Submission:
    """Check a whole submission; unknown keys are an error too (a typo must not pass silently)."""
    files = files or {}
    fields = list(fields)
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        raw = (
            files.get(field.key)
            if field.field_type == FieldType.FILE and field.key in files
            else data.get(field.key)
        )
        value, messages = field_errors(field, raw, today=today)
        if messages:
            errors[field.key] = messages
        values[field.key] = value
    known = {f.key for f in fields}
    unknown = sorted(
        k for k in data if k not in known and k not in {"csrfmiddlewaretoken", "lane", "materials"}
    )
    if unknown:
        errors["unknown_fields"] = [_("Not fields of this form: %(keys)s.") % {"keys": ", ".join(unknown)}]
    return Submission(values=values, errors=errors)


def store_files(values: dict, *, prefix: str) -> dict:
    """Save uploaded files and put their storage names in place; the rest is copied."""
    stored = {}
    for key, value in values.items():
        if isinstance(value, UploadedFile):
            stored[key] = default_storage.save(f"lanes/{prefix}/{key}-{value.name}", value)
        else:
            stored[key] = value
    return stored


def application_for(stage_item: StageItem, values: Mapping) -> dict:
    """The item's own application: each of its fields filled from the unified field it maps to."""
    return {item_field: values.get(key, "") for item_field, key in stage_item.field_map.items()}


def applicant_from(fields: Iterable[FormField], values: Mapping) -> tuple[dict, dict]:
    """(applicant, contact) for the item cases, from the fields bound to the applicant."""
    bound = {f.binds: values.get(f.key, "") for f in fields if f.binds}
    credit_code = bound.get("credit_code", "")
    if credit_code:
        applicant = {
            "kind": "organisation",
            "name": bound.get("applicant_name", ""),
            "credit_code": credit_code,
            "legal_representative": bound.get("legal_representative", ""),
        }
    else:
        applicant = {
            "kind": "person",
            "name": bound.get("applicant_name", ""),
            "id_type": "resident_id",
            "id_number": bound.get("id_number", ""),
            "legal_representative": bound.get("legal_representative", ""),
        }
    contact = {
        "name": bound.get("contact_name", ""),
        "phone": bound.get("phone", ""),
        "address": bound.get("address", ""),
    }
    return applicant, contact


# --- the form as JSON ----------------------------------------------------------------------------------

FIELD_KEYS = (
    "key",
    "label",
    "field_type",
    "required",
    "help_text",
    "choices",
    "min_length",
    "max_length",
    "min_value",
    "max_value",
    "pattern",
    "pattern_message",
    "binds",
)


def field_as_json(field: FormField) -> dict:
    data = {name: getattr(field, name) for name in FIELD_KEYS}
    for name in ("min_value", "max_value"):
        if data[name] is not None:
            data[name] = _plain(Decimal(data[name]))
    return data


def form_as_json(lane) -> dict:
    """The unified form of a lane version: its fields, its materials and each item's field mapping."""
    return {
        "format": "govhall-unified-form/1",
        "lane": lane.code,
        "fields": [field_as_json(f) for f in lane.form_fields.order_by("position", "id")],
        "materials": [
            {
                "name": m.name,
                "originals": m.originals,
                "copies": m.copies,
                "required": m.required,
                "covers": m.covers,
            }
            for m in lane.materials.order_by("position", "id")
        ],
        "items": [
            {"stage": si.stage.position, "item": si.item.code, "fields": si.field_map}
            for si in StageItem.objects.filter(stage__lane=lane).select_related("stage", "item")
        ],
    }
