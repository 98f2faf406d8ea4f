"""/api/v1/portal/help/...: remote help sessions (远程帮办) in the API, with the services of
govhall.portal.services.help and nothing else.

A centre clerk lists their department's queue; the asker lists their own sessions. Moves are POSTs that
carry the session's `version` (or If-Match); a field edit carries the version of that field as read
(`field_version`, from the detail's `draft.fields`). Answers: 400 bad input (per field), 403 a clerk of
another department or a move not theirs, 404 a session the account cannot see, 409 stale version (a field
conflict carries both values and the current one's author) or a move the state table refuses."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response, expected_version
from govhall.core.parsers import JSONParser
from govhall.portal import access, queries_help
from govhall.portal.models import (
    Application,
    DraftEdit,
    HelpEvent,
    HelpOutcome,
    HelpSession,
    HelpState,
    MaterialReview,
)
from govhall.portal.services import NotYours, checklist, forms
from govhall.portal.services import help as services


class HelpEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)

    class Meta:
        model = HelpEvent
        fields = ["move", "from_state", "to_state", "at", "by", "note"]


class DraftEditSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = DraftEdit
        fields = ["field", "old_value", "new_value", "author", "author_kind", "at", "draft_version"]


class HelpFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="Send it back as field_version when writing this field")


class HelpReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username")

    class Meta:
        model = MaterialReview
        fields = ["acceptable", "comment", "reviewed_by", "reviewed_at"]


class HelpDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    review = HelpReviewSerializer(allow_null=True)


class HelpSlotSerializer(serializers.Serializer):
    material = serializers.IntegerField()
    name = serializers.CharField()
    required = serializers.BooleanField()
    power_of_attorney = serializers.BooleanField()
    documents = HelpDocumentSerializer(many=True)


class HelpMissingSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    rule = serializers.CharField()


class HelpDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    version = serializers.IntegerField()
    fields = HelpFieldSerializer(many=True)
    slots = HelpSlotSerializer(many=True)
    checklist = HelpMissingSerializer(many=True)
    help_summary = serializers.CharField(allow_blank=True)


def draft_view(session: HelpSession) -> dict:
    """The draft as both sides see it: each field with its value and version, each material slot with its
    files and the clerk's marks, and what is still missing."""
    app = Application.objects.select_related("item").get(pk=session.application_id)
    reviews = {r.document_id: r for r in session.reviews.select_related("reviewed_by")}
    documents = list(app.documents.all())
    slots = [
        {
            "material": m.pk,
            "name": m.name,
            "required": m.required,
            "power_of_attorney": services.is_power_of_attorney(m),
            "documents": [
                {
                    "id": d.pk,
                    "name": d.name,
                    "size": d.size,
                    "uploaded_at": d.uploaded_at,
                    "review": HelpReviewSerializer(reviews[d.pk]).data if d.pk in reviews else None,
                }
                for d in documents
                if d.material_id == m.pk
            ],
        }
        for m in forms.slots_of(app)
    ]
    fields = [
        {
            "key": f.key,
            "label": str(f.label),
            "value": app.data.get(f.key, ""),
            "version": app.stamps.get(f.key, 0),
        }
        for f in forms.item_fields(app.item)
    ]
    missing = checklist(app) if app.state == "draft" else []
    return {
        "id": app.pk,
        "state": app.state,
        "version": app.version,
        "fields": fields,
        "slots": slots,
        "checklist": [{"key": m.key, "label": m.label, "rule": m.rule} for m in missing],
        "help_summary": app.help_summary,
    }


class HelpSessionSerializer(serializers.ModelSerializer):
    """A session in a list: its state, who asked from where, its place in the queue and the wait."""

    item_code = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    department = serializers.CharField(source="department.name")
    asked_by = serializers.CharField(source="asked_by.username")
    hall = serializers.CharField(source="hall.name", default=None)
    clerk = serializers.CharField(source="clerk.username", default=None)
    booking = serializers.CharField(source="booking.code", default=None)
    queue_position = serializers.SerializerMethodField()
    estimated_wait_minutes = serializers.SerializerMethodField()
    preapproved = serializers.SerializerMethodField()

    class Meta:
        model = HelpSession
        fields = [
            "id", "version", "state", "outcome", "application", "item_code", "item_name", "department",
            "asked_by", "asker_kind", "hall", "booking", "question", "clerk", "requested_at", "started_at",
            "ended_at", "queue_position", "estimated_wait_minutes", "preapproved", "corrected",
            "still_missing",
        ]  # fmt: skip

    def get_queue_position(self, session) -> int | None:
        if session.state != HelpState.REQUESTED:
            return None
        # A whole queue listed in order knows its positions (context "positions"): no query per row.
        known = self.context.get("positions", {})
        return known[session.pk] if session.pk in known else queries_help.queue_position(session)

    def get_estimated_wait_minutes(self, session) -> int | None:
        position = self.get_queue_position(session)
        if position is None:
            return None
        means = self.context.setdefault("means", {})
        if session.department_id not in means:
            means[session.department_id] = queries_help.mean_duration(session.department_id)
        return round((position - 1) * means[session.department_id].total_seconds() / 60)

    def get_preapproved(self, session) -> bool:
        return session.is_preapproved


class HelpSessionDetailSerializer(HelpSessionSerializer):
    """A session with the shared draft, its moves and the field edits made in it."""

    draft = serializers.SerializerMethodField()
    events = HelpEventSerializer(many=True, read_only=True)
    edits = DraftEditSerializer(many=True, read_only=True)

    class Meta(HelpSessionSerializer.Meta):
        fields = [*HelpSessionSerializer.Meta.fields, "draft", "events", "edits"]

    @extend_schema_field(HelpDraftSerializer)
    def get_draft(self, session) -> dict:
        return draft_view(session)


class HelpCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="The draft application to be helped with")
    question = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    slot = serializers.IntegerField(
        required=False, allow_null=True, help_text="An appointment slot: book the help instead of asking now"
    )


class HelpVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The session's version as read")


class HelpCancelSerializer(HelpVersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HelpEndSerializer(HelpVersionSerializer):
    outcome = serializers.ChoiceField(choices=HelpOutcome.choices)
    corrected = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    still_missing = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class HelpEditSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(allow_blank=True, trim_whitespace=False)
    field_version = serializers.IntegerField(min_value=0, help_text="The field's version as read")


class HelpReviewInSerializer(serializers.Serializer):
    acceptable = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HelpPreapproveSerializer(HelpVersionSerializer):
    draft_version = serializers.IntegerField(help_text="The draft's version the clerk checked")


class HelpConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField()
    yours = serializers.CharField()
    current = serializers.CharField()
    current_version = serializers.IntegerField()
    author = serializers.CharField()
    author_kind = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input: messages per field"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Another department's session, or not your move"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such session for this account"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version, or a move the state table refuses"),
}


class HelpAPIView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser]

    def handle_exception(self, exc):
        if isinstance(exc, NotYours):
            exc = Http404()
        if isinstance(exc, services.FieldConflict):
            body = {"detail": str(exc), "code": "stale_field", **exc.as_dict()}
            return Response(body, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, services.HelpForbidden):
            return Response({"detail": str(exc), "code": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)

    def visible(self, pk: int) -> HelpSession:
        return get_object_or_404(queries_help.sessions_of(self.request.user), pk=pk)

    def target(self, pk: int) -> HelpSession:
        """The session a move is made on: a centre clerk reaches any (the service refuses another
        department's with 403 and says whose it is); anyone else only those they can see (404)."""
        if queries_help.is_centre_clerk(self.request.user):
            return get_object_or_404(HelpSession, pk=pk)
        return self.visible(pk)

    def answer(self, session: HelpSession, code: int = 200) -> Response:
        session = queries_help.sessions_of(self.request.user).filter(pk=session.pk).first() or session
        data = HelpSessionDetailSerializer(session).data
        return Response(data, status=code, headers={"ETag": f'"{session.version}"'})


class HelpList(HelpAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=HelpState.values, description="Only this state"),
        ],
        responses={200: HelpSessionSerializer(many=True)},
        description="A centre clerk: the department's open sessions, the queue first come first. "
        "Anyone else: the sessions they asked for.",
    )
    def get(self, request: Request) -> Response:
        rows = queries_help.sessions_of(request.user)
        wanted = request.query_params.get("state")
        queue = queries_help.is_centre_clerk(request.user) and wanted in (None, "", HelpState.REQUESTED)
        if wanted:
            rows = rows.filter(state=wanted)
        elif queue:
            rows = rows.filter(state__in=[HelpState.REQUESTED, HelpState.IN_PROGRESS])
        else:
            rows = rows.order_by("-requested_at", "-id")
        rows = list(rows[:200])
        context = {}
        if queue:  # the department's whole queue, first come first: positions by counting
            waiting = [s for s in rows if s.state == HelpState.REQUESTED]
            context["positions"] = {s.pk: n for n, s in enumerate(waiting, start=1)}
        return Response(HelpSessionSerializer(rows, many=True, context=context).data)

    @extend_schema(request=HelpCreateSerializer, responses={201: HelpSessionDetailSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        d = HelpCreateSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        app = get_object_or_404(access.applications_of(request.user), pk=d.validated_data["application"])
        question = d.validated_data.get("question", "")
        if d.validated_data.get("slot"):
            from govhall.visits.models import Slot

            slot = get_object_or_404(Slot, pk=d.validated_data["slot"])
            session = services.book_help(
                app, slot=slot, by=request.user, now=timezone.now(), question=question
            )
        else:
            session = services.request_help(app, by=request.user, now=timezone.now(), question=question)
        return self.answer(session, status.HTTP_201_CREATED)


class HelpDetail(HelpAPIView):
    @extend_schema(responses={200: HelpSessionDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self.answer(self.visible(pk))


def _move(service, serializer=HelpVersionSerializer, *, doc: str, extra=()):
    class Move(HelpAPIView):
        @extend_schema(
            request=serializer, responses={200: HelpSessionDetailSerializer, **ERRORS}, description=doc
        )
        def post(self, request: Request, pk: int) -> Response:
            session = self.target(pk)
            d = serializer(data=request.data)
            d.is_valid(raise_exception=True)
            kwargs = {k: d.validated_data[k] for k in extra if k in d.validated_data}
            session = service(
                session,
                by=request.user,
                now=timezone.now(),
                expected_version=expected_version(request, d.validated_data),
                **kwargs,
            )
            return self.answer(session)

    Move.__name__ = Move.__qualname__ = "Help" + service.__name__.title().replace("_", "") + "View"
    return Move.as_view()


start = _move(services.start_help, doc="A clerk of the item's department takes the session.")
end = _move(
    services.end_help,
    HelpEndSerializer,
    doc="End with an outcome; the summary goes to the applicant's inbox and onto the draft.",
    extra=("outcome", "corrected", "still_missing"),
)
cancel = _move(services.cancel_help, HelpCancelSerializer, doc="Cancel while waiting.", extra=("reason",))
no_show = _move(services.mark_no_show, doc="Called, and nobody answered.")
preapprove = _move(
    services.preapprove,
    HelpPreapproveSerializer,
    doc="预审通过: every material acceptable, nothing missing; the submission is then accepted at once.",
    extra=("draft_version",),
)


class HelpEdit(HelpAPIView):
    @extend_schema(
        request=HelpEditSerializer,
        responses={
            200: HelpSessionDetailSerializer,
            409: HelpConflictSerializer,
            **{k: v for k, v in ERRORS.items() if k != 409},
        },
        description="Write one field of the draft; a stale field_version answers 409 with both values.",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = self.target(pk)
        d = HelpEditSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        services.edit_field(session, by=request.user, now=timezone.now(), **d.validated_data)
        return self.answer(session)


class HelpReview(HelpAPIView):
    @extend_schema(
        request=HelpReviewInSerializer,
        responses={200: HelpSessionDetailSerializer, **ERRORS},
        description="Mark one uploaded file of the draft acceptable or not (with a comment).",
    )
    def post(self, request: Request, pk: int, document: int) -> Response:
        session = self.target(pk)
        d = HelpReviewInSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        services.review_material(
            session, document=document, by=request.user, now=timezone.now(), **d.validated_data
        )
        return self.answer(session)
