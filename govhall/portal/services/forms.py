"""What an online application asks: the form fields of an item's application and the materials for the
applicant's situation. The one place where situations (情形引导) narrow the list: `materials_for`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.models import ApplicantKind, DeliveryMethod, IdType
from govhall.cases.validators import credit_code_error, phone_error, resident_id_error
from govhall.catalog import published, situations
from govhall.catalog.models import DeliveryOption


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # a lazy translation
    max_length: int = 200
    choices: tuple[tuple[str, object], ...] = ()
    kind: str = "text"  # html input type


FIELDS = (
    Field("applicant_kind", gettext_lazy("Applicant kind"), 20, tuple(ApplicantKind.choices)),
    Field("applicant_name", gettext_lazy("Applicant name"), 200),
    Field("id_type", gettext_lazy("ID document type"), 30, tuple(IdType.choices)),
    Field("id_number", gettext_lazy("ID document number"), 40),
    Field("credit_code", gettext_lazy("Unified social credit code"), 18),
    Field("legal_representative", gettext_lazy("Legal representative"), 100),
    Field("contact_name", gettext_lazy("Contact person"), 100),
    Field("phone", gettext_lazy("Contact phone"), 30, kind="tel"),
    Field("address", gettext_lazy("Address"), 300),
    Field(
        "delivery_method",
        gettext_lazy("How to receive the result"),
        20,
        tuple((k, v) for k, v in DeliveryMethod.choices if k != DeliveryMethod.AGENCY),
    ),
    Field("delivery_address", gettext_lazy("Postal address (for delivery by post)"), 300),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
LABELS = {f.key: f.label for f in FIELDS}

# The catalogue's delivery options of an item (guide page) in the cases' words (Case.delivery_method).
DELIVERY_METHOD_OF = {
    DeliveryOption.WINDOW: DeliveryMethod.WINDOW,
    DeliveryOption.POST: DeliveryMethod.MAIL,
    DeliveryOption.ELECTRONIC: DeliveryMethod.ELECTRONIC,
}


def delivery_methods(item) -> list[str]:
    """The ways the item's result may reach the applicant, as Case.delivery_method values; an item that
    names none hands it over at a window."""
    if item is None:
        return [DeliveryMethod.WINDOW, DeliveryMethod.MAIL, DeliveryMethod.ELECTRONIC]
    return [DELIVERY_METHOD_OF[o] for o in item.delivery_options] or [DeliveryMethod.WINDOW]


def item_fields(item) -> tuple[Field, ...]:
    """The application form of an item: the delivery choice offers only what the item allows."""
    allowed = delivery_methods(item)
    return tuple(
        replace(f, choices=tuple((k, v) for k, v in f.choices if k in allowed))
        if f.key == "delivery_method"
        else f
        for f in FIELDS
    )


def materials_for(item, answers: Mapping) -> list:
    """The catalogue materials this applicant must (or may) hand in, narrowed by the situation answers
    (情形引导, `catalog.situations`). With every question answered this is the catalogue's own
    `materials_for`; while some are unanswered (a draft) a material stays in until an answer rules it out,
    so the editor never hides a slot the applicant may yet need."""
    answers = {k: v for k, v in (answers or {}).items() if v}
    try:
        return situations.materials_for(item, answers)
    except ValidationError:
        pass
    known = {q.key: {k for k, _label in q.option_list} for q in situations.questions_of(item)}
    given = {k: v for k, v in answers.items() if v in known.get(k, ())}
    return [
        m
        for m in published.materials(item)
        if all(
            key not in given or given[key] in options
            for key, options in situations.parse_condition(m.applies_when).items()
        )
    ]


def answer_key(question_key: str) -> str:
    """The error and anchor key of a situation question in the application (beside the form fields)."""
    return f"answer_{question_key}"


def answer_errors(item, answers: Mapping, *, required: bool) -> dict[str, list[str]]:
    """The situation answers checked against the item's questions: an answer that is not one of the
    question's options or a question the item does not ask, always; an unanswered question only when
    `required` (at submission). Each message names the question."""
    if item is None:
        return {}
    if not isinstance(answers, Mapping):
        return {"answers": [_("Answers are a mapping of question to answer.")]}
    given = {k: v for k, v in answers.items() if v}
    questions = situations.questions_of(item)
    if not required:
        questions = [q for q in questions if q.key in given]
    try:
        situations.check_answers(questions, given)
    except ValidationError as error:
        return {answer_key(k): v for k, v in error.message_dict.items()}
    return {}


def slots(item, answers: Mapping) -> list:
    return materials_for(item, answers or {})


def lane_slots(lane) -> list[tuple]:
    """(lane material, catalogue material) for each material of a fast lane's set (一套材料): its upload
    is filed as the first item material it covers, in the item version in force."""
    from govhall.catalog.models import ItemStatus, Material

    pairs = []
    for lane_material in lane.materials.order_by("position", "id"):
        for cover in lane_material.covers:
            if not isinstance(cover, dict):
                continue
            material = (
                Material.objects.filter(
                    item__code=cover.get("item"),
                    item__status=ItemStatus.PUBLISHED,
                    name=cover.get("material"),
                )
                .order_by("-item__version")
                .first()
            )
            if material is not None:
                pairs.append((lane_material, material))
                break
    return pairs


LANE_INPUTS = {"number": "number", "date": "date"}  # other field types are text inputs (or a choice)


def lane_fields(lane) -> tuple[Field, ...]:
    """A fast lane's unified form (一表通) as the editor's fields (file fields are not offered online)."""
    return tuple(
        Field(
            f.key,
            f.label,
            f.max_length or 300,
            tuple((c, c) for c in f.choices or ()) if f.field_type == "choice" else (),
            LANE_INPUTS.get(f.field_type, "text"),
        )
        for f in lane.form_fields.order_by("position", "id")
        if f.field_type != "file"
    )


def fields_of(app) -> tuple[Field, ...]:
    return lane_fields(app.lane) if app.lane_id else item_fields(app.item)


def lane_format_errors(lane, data: Mapping) -> dict[str, list[str]]:
    """At a save of a lane draft: known fields, text within length; the lanes' own service checks every
    rule of the unified form at submission."""
    errors: dict[str, list[str]] = {}
    known = {f.key: f for f in lane_fields(lane)}
    for key, value in data.items():
        f = known.get(key)
        if f is None:
            errors.setdefault(key, []).append(_("Unknown field %(f)s.") % {"f": key})
        elif not isinstance(value, str):
            errors.setdefault(key, []).append(_("%(label)s: enter text.") % {"label": f.label})
        elif len(value) > f.max_length:
            errors.setdefault(key, []).append(
                _("%(label)s: at most %(n)s characters.") % {"label": f.label, "n": f.max_length}
            )
    return errors


def slots_of(app) -> list:
    """The catalogue materials an application has upload slots for: its item's, or its lane's set."""
    if app.lane_id:
        return [material for _lane_material, material in lane_slots(app.lane)]
    return slots(app.item, app.answers) if app.item_id else []


def format_errors(data: Mapping, *, today: date, item=None) -> dict[str, list[str]]:
    """Checks other than "required", run at every save: a value given must be well formed (a choice one
    of its options: a delivery method the item allows)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key in data:
        if key not in FIELD_KEYS:
            add(key, _("Unknown field %(f)s.") % {"f": key})
    for f in item_fields(item):
        value = data.get(f.key, "")
        if not isinstance(value, str):
            add(f.key, _("%(label)s: enter text.") % {"label": f.label})
            continue
        if len(value) > f.max_length:
            add(f.key, _("%(label)s: at most %(n)s characters.") % {"label": f.label, "n": f.max_length})
        if value and f.choices and value not in {k for k, _label in f.choices}:
            add(f.key, _("%(label)s: choose one of the options.") % {"label": f.label})
    if errors:
        return errors
    kind = data.get("applicant_kind", "")
    resident = data.get("id_type", IdType.RESIDENT_ID) in ("", IdType.RESIDENT_ID)
    if data.get("id_number") and kind != ApplicantKind.ORGANISATION and resident:
        message = resident_id_error(data["id_number"], today=today)
        if message:
            add("id_number", message)
    if data.get("credit_code"):
        message = credit_code_error(data["credit_code"])
        if message:
            add("credit_code", message)
    if data.get("phone"):
        message = phone_error(data["phone"])
        if message:
            add("phone", message)
    return errors


def applicant_of(data: Mapping) -> tuple[dict, dict]:
    """The cases' Applicant and Contact shapes from the form data."""
    kind = data.get("applicant_kind") or ApplicantKind.PERSON
    applicant = {
        "kind": kind,
        "name": data.get("applicant_name", ""),
        "id_type": data.get("id_type") or IdType.RESIDENT_ID,
        "id_number": data.get("id_number", ""),
        "credit_code": data.get("credit_code", ""),
        "legal_representative": data.get("legal_representative", ""),
    }
    address = data.get("address", "")
    if not address and data.get("delivery_method") == DeliveryMethod.MAIL:
        address = data.get("delivery_address", "")  # the clerk posts the result there
    contact = {"name": data.get("contact_name", ""), "phone": data.get("phone", ""), "address": address}
    return applicant, contact
