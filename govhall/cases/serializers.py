"""Shapes of the cases API: what a case looks like to a reader, and what each action takes.

Input serializers only check types; the rules (check digits, the one-time notice, state changes) belong
to the services, whose ValidationError names the field and the rule and is answered as a 400.
Personal data: lists always mask the identity number and the phone; the detail shows them whole only to
the people who handle the case (see `sees_personal_data`).
"""

from __future__ import annotations

import threading

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govhall.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    Decision,
    DeliveryMethod,
    ExtensionRequest,
    IdType,
    MaterialHandover,
    Step,
    StepOutcome,
    Suspension,
    SuspensionKind,
)
from govhall.cases.queries import mask_id, mask_phone
from govhall.core.models import Role

# The roles that work on a case and so may read the applicant's identity number and phone whole.
# Supervisors, leaders and administrators watch times and numbers: they get the masked values.
PERSONAL_DATA_ROLES = frozenset({Role.CLERK, Role.AGENCY_CLERK, Role.HANDLER, Role.DEPT_HEAD})


def sees_personal_data(user) -> bool:
    return getattr(user, "role", None) in PERSONAL_DATA_ROLES


def mask_name(name: str) -> str:
    """张三 → 张*; a company keeps its name (it is public in the credit register)."""
    name = name or ""
    return name[:1] + "*" * max(0, min(len(name) - 1, 3))


def person_display(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


# --- reading ---------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    """A case in a list: identity number and phone always masked."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True, default=None)
    item_name = serializers.CharField(source="item.name", read_only=True, default=None)
    hall_code = serializers.CharField(source="hall.code", read_only=True)
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "channel",
            "item",
            "item_code",
            "item_name",
            "hall_code",
            "applicant_kind",
            "applicant_name",
            "id_type",
            "id_number",
            "credit_code",
            "phone",
            "received_at",
            "received_on",
            "acceptance_date",
            "promised_due",
            "legal_due",
            "due_provisional",
            "version",
        ]
        read_only_fields = fields

    def unmasked(self) -> bool:
        return False

    def get_id_number(self, case: Case) -> str:
        return case.id_number if self.unmasked() else mask_id(case.id_number)

    def get_phone(self, case: Case) -> str:
        return case.phone if self.unmasked() else mask_phone(case.phone)

    def to_representation(self, case: Case) -> dict:
        """Written out by hand: every intake and step action answers with this, and building the
        ModelSerializer's fields (a deep copy of each) cost more than the rest of the answer. The same
        output as the declared fields (test_serializers pins it); the schema still comes from them."""
        return case_summary(case)


# The representations DRF gives these field types, called without building the serializer's fields.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def _choice(value) -> str | None:
    return value if value is None else str(value)


def case_summary(case: Case, *, unmasked: bool = False) -> dict:
    """CaseListSerializer's output for one case (identity number and phone masked unless `unmasked`)."""
    item = case.item if case.item_id is not None else None
    return {
        "id": case.pk,
        "number": case.number,
        "kind": _choice(case.kind),
        "kind_label": str(case.get_kind_display()),
        "state": _choice(case.state),
        "state_label": str(case.get_state_display()),
        "channel": _choice(case.channel),
        "item": case.item_id,
        "item_code": None if item is None else item.code,
        "item_name": None if item is None else item.name,
        "hall_code": case.hall.code,
        "applicant_kind": _choice(case.applicant_kind),
        "applicant_name": case.applicant_name,
        "id_type": _choice(case.id_type),
        "id_number": case.id_number if unmasked else mask_id(case.id_number),
        "credit_code": case.credit_code,
        "phone": case.phone if unmasked else mask_phone(case.phone),
        "received_at": _DATETIME.to_representation(case.received_at),
        "received_on": _DATE.to_representation(case.received_on),
        "acceptance_date": _DATE.to_representation(case.acceptance_date),
        "promised_due": _DATE.to_representation(case.promised_due),
        "legal_due": _DATE.to_representation(case.legal_due),
        "due_provisional": case.due_provisional,
        "version": case.version,
    }


class CaseMaterialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="material.name", read_only=True)
    required = serializers.BooleanField(source="material.required", read_only=True)
    position = serializers.IntegerField(source="material.position", read_only=True)

    class Meta:
        model = CaseMaterial
        fields = [
            "material",
            "position",
            "name",
            "required",
            "received",
            "originals",
            "copies",
            "requested",
            "received_at",
            "note",
            "licence",
        ]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    finished_by = serializers.SerializerMethodField()

    class Meta:
        model = Step
        fields = [
            "id",
            "position",
            "name",
            "department",
            "department_code",
            "state",
            "state_label",
            "limit_days",
            "paused_days",
            "started_at",
            "started_on",
            "due_date",
            "finished_at",
            "finished_by",
            "outcome",
            "comment",
            "rounds",
        ]
        read_only_fields = fields

    def get_finished_by(self, step: Step) -> str | None:
        return person_display(step.finished_by)


class EventSerializer(serializers.ModelSerializer):
    """One line of the audit trail: who, when, from where, what, why."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "kind",
            "kind_label",
            "at",
            "by",
            "source",
            "from_state",
            "to_state",
            "reason",
            "data",
        ]
        read_only_fields = fields

    def get_by(self, event: CaseEvent) -> str | None:
        return person_display(event.by)


class SuspensionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Suspension
        fields = [
            "id",
            "kind",
            "kind_label",
            "reason",
            "started_on",
            "expected_days",
            "ended_on",
            "counted_days",
        ]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "case",
            "case_number",
            "days",
            "reason",
            "state",
            "state_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "version",
        ]
        read_only_fields = fields

    def get_requested_by(self, request: ExtensionRequest) -> str | None:
        return person_display(request.requested_by)

    def get_decided_by(self, request: ExtensionRequest) -> str | None:
        return person_display(request.decided_by)


class HandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialHandover
        fields = ["id", "sent_at", "received_at", "note"]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    """The whole case: materials, steps, the timeline, pauses, extensions, handovers."""

    materials = CaseMaterialSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    suspensions = SuspensionSerializer(many=True, read_only=True)
    extension_requests = ExtensionSerializer(many=True, read_only=True)
    handovers = HandoverSerializer(many=True, read_only=True)
    verification_code = serializers.SerializerMethodField()
    question = serializers.CharField(source="consultation.question", read_only=True, default=None)
    answer = serializers.CharField(source="consultation.answer", read_only=True, default=None)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "window",
            "legal_representative",
            "contact_name",
            "address",
            "suspended_days",
            "extension_days",
            "deemed_accepted",
            "decision",
            "decision_text",
            "concluded_at",
            "delivered_at",
            "delivery_method",
            "supplement_note",
            "rejection_reason",
            "withdrawn_reason",
            "verification_code",
            "question",
            "answer",
            "materials",
            "steps",
            "events",
            "suspensions",
            "extension_requests",
            "handovers",
        ]
        read_only_fields = fields

    def unmasked(self) -> bool:
        request = self.context.get("request")
        return request is not None and sees_personal_data(request.user)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verification_code(self, case: Case) -> str | None:
        return case.verification_code if self.unmasked() else None

    def to_representation(self, case: Case) -> dict:
        data = serializers.ModelSerializer.to_representation(self, case)  # the declared fields, all of them
        if not self.unmasked():
            data["address"] = ""
        return data


class QueueEntrySerializer(serializers.Serializer):
    step = StepSerializer(read_only=True)
    case = CaseListSerializer(read_only=True)
    due_date = serializers.DateField(read_only=True)
    remaining_workdays = serializers.IntegerField(
        read_only=True, help_text="Working days left: 0 = due today, negative = overdue"
    )


# --- actions ---------------------------------------------------------------------------------------


_input_fields = threading.local()


# An action's input: types only, no context, never partial. Its fields are built once per class and thread
# and shared by every instance (DRF deep-copies every declared field for each instance, which cost an
# intake request more than parsing its body). Validation does not change a field, so sharing them is safe;
# they are bound to a data-less instance of the class. (A comment, not a docstring: the OpenAPI schema
# would show a docstring as the description of every input.)
class InputSerializer(serializers.Serializer):
    @cached_property
    def fields(self):
        built = _input_fields.__dict__
        fields = built.get(type(self))
        if fields is None:
            prototype = type(self)()
            fields = built[type(self)] = serializers.Serializer.fields.func(prototype)
        return fields


class VersionedSerializer(InputSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text='The case version you last read; instead of the header If-Match: "<version>".',
    )


class MaterialInSerializer(InputSerializer):
    material = serializers.IntegerField(help_text="Catalogue material id (the item's materials list)")
    originals = serializers.IntegerField(required=False, default=0, min_value=0)
    copies = serializers.IntegerField(required=False, default=0, min_value=0)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    licence = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the applicant's valid electronic licence that stands in for this material (免提交)",
    )


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, default="", allow_blank=True, **kwargs)


class ReceiveSerializer(InputSerializer):
    item = serializers.IntegerField(help_text="Id of the published item version")
    applicant_kind = serializers.ChoiceField(ApplicantKind.choices, default=ApplicantKind.PERSON)
    applicant_name = _text(max_length=200)
    id_type = serializers.ChoiceField([("", "-"), *IdType.choices], required=False, default="")
    id_number = _text(max_length=40)
    credit_code = _text(max_length=18)
    legal_representative = _text(max_length=100)
    contact_name = _text(max_length=100)
    phone = _text(max_length=30)
    address = _text(max_length=300)
    materials = MaterialInSerializer(many=True, required=False, default=list)
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
    hall = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Hall code; default: the clerk's hall"
    )
    channel = serializers.ChoiceField(
        Channel.choices, required=False, default="", allow_blank=True, help_text="Default: the user's own"
    )
    decision = serializers.ChoiceField(
        [("accept", "accept"), ("reject", "reject"), ("notice", "notice")],
        required=False,
        default="",
        allow_blank=True,
        help_text=(
            "Decide at once, in the same transaction (receive_and_decide): accept (受理), reject (不予受理, "
            "needs `reason`) or notice (一次性告知, `missing` and/or `note`). A refused decision leaves no "
            "case behind. Empty: receive only"
        ),
    )
    reason = _text(help_text="decision=reject: the reason for non-acceptance")
    missing = serializers.ListField(
        child=serializers.IntegerField(),
        default=list,
        help_text="decision=notice: ids of the missing materials (all of them)",
    )
    note = _text(help_text="decision=notice: corrections needed")


class SupplementRequestSerializer(VersionedSerializer):
    missing = serializers.ListField(child=serializers.IntegerField(), default=list)
    note = _text()


class SupplementReceivedSerializer(VersionedSerializer):
    materials = MaterialInSerializer(many=True)


class ReasonSerializer(VersionedSerializer):
    reason = _text()


class DeliverSerializer(VersionedSerializer):
    method = serializers.ChoiceField(DeliveryMethod.choices, default=DeliveryMethod.WINDOW)


class CompleteStepSerializer(VersionedSerializer):
    step = serializers.IntegerField(required=False, help_text="Step id; default: the active step")
    outcome = serializers.ChoiceField(StepOutcome.choices, default=StepOutcome.APPROVE)
    comment = _text()


class ReturnStepSerializer(VersionedSerializer):
    step = serializers.IntegerField(required=False, help_text="Step id; default: the active step")
    reason = _text()


class ConcludeSerializer(VersionedSerializer):
    decision = serializers.ChoiceField(Decision.choices)
    text = _text()


class SuspendSerializer(VersionedSerializer):
    kind = serializers.ChoiceField(SuspensionKind.choices)
    expected_days = serializers.IntegerField(min_value=0)
    reason = _text()


class ExtensionRequestSerializer(VersionedSerializer):
    days = serializers.IntegerField(help_text="Working days, at least 1")
    reason = _text()


class DecideExtensionSerializer(InputSerializer):
    approve = serializers.BooleanField()
    reason = _text()
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The extension request's version (or If-Match)."
    )


class NoteSerializer(VersionedSerializer):
    note = _text(max_length=300)


class AnswerSerializer(VersionedSerializer):
    answer = _text()


# The channels through which a clerk registers a consultation (online questions come through the portal).
STAFF_CONSULTATION_CHANNELS = [
    (c.value, c.label) for c in (Channel.WINDOW, Channel.AGENCY, Channel.PHONE, Channel.OUTREACH)
]


class PublishSerializer(VersionedSerializer):
    question = _text(help_text="The question as published: without the asker's details")
    answer = _text(help_text="The answer as published: without the asker's details")


class ConsultationSerializer(InputSerializer):
    question = _text()
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Code of the department that answers; empty: the item's (or, for a general question, "
        "GOVHALL_CONSULTATION_DEPARTMENT)",
    )
    channel = serializers.ChoiceField(
        choices=STAFF_CONSULTATION_CHANNELS,
        required=False,
        allow_null=True,
        default=None,
        help_text="How the question came; none: the window (an agency clerk: agency)",
    )
    event_place = _text(max_length=200, help_text="Outreach event: where the stall stood")
    event_date = serializers.DateField(required=False, allow_null=True, default=None)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)
    answer = _text(help_text="Answered on the spot when given")
    applicant_name = _text(max_length=200)
    contact_name = _text(max_length=100)
    phone = _text(max_length=30)
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
