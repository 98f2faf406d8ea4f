"""The knowledge API under /api/v1/hotline/knowledge/: adapters that parse, call one service, answer.

Search (entries beside the catalogue's guides), entries and their versions, a change's steps with the
entry's `version` (stale: 409), citations on a ticket, the units' upkeep, XLSX import and export. Errors as
the rest of the hotline: 400 with field names, 403 for a role or unit that may not, 404 for what the user
may not see, 409 for a stale version or a step the state table does not allow."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.catalog.models import Department
from govhall.hotline.api import ERRORS, HotlineAPIView
from govhall.hotline.knowledge import queries, search, services, xlsx
from govhall.hotline.knowledge import serializers as s
from govhall.hotline.models import EntryKind, KnowledgeEntry, Ticket
from govhall.hotline.queries import visible_tickets


def _require_staff(request: Request) -> None:
    if not queries.is_staff(request.user):
        raise PermissionDenied(_("Only the hotline centre and the units' staff may use the knowledge base."))


def entry_url(entry_id: int) -> str:
    return reverse("hotline:knowledge-entry", args=[entry_id])


def search_answer(q: str, *, kind: str | None = None, limit: int = 20) -> dict:
    today = timezone.localdate()
    hits = search.search(q, today=today, kind=kind, limit=limit)
    return {
        "entries": [
            {
                "entry": h.entry_id,
                "version": h.version_id,
                "title": h.title,
                "kind": h.kind,
                "category": h.category,
                "cited": h.cited,
                "url": entry_url(h.entry_id),
            }
            for h in hits
        ],
        "guides": [
            {"code": g.code, "name": g.name, "url": reverse("portal:guide", args=[g.code])}
            for g in search.guides(q)
        ],
    }


def _entry_answer(request: Request, entry: KnowledgeEntry, *, code: int = status.HTTP_200_OK) -> Response:
    entry = queries.visible_entries(request.user).get(pk=entry.pk)
    context = {
        "sees_changes": lambda e: queries.sees_changes(request.user, e),
        "versions": queries.visible_versions(request.user, entry),
    }
    response = Response(s.KnowledgeEntryDetailSerializer(entry, context=context).data, status=code)
    response["ETag"] = f'"{entry.version}"'
    return response


class KnowledgeSearchView(HotlineAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Words, pinyin or initials"),
            OpenApiParameter("kind", str, enum=EntryKind.values, required=False),
        ],
        responses=s.KnowledgeSearchSerializer,
        summary="Search published, unexpired entries and the catalogue's service guides (ranked)",
    )
    def get(self, request: Request) -> Response:
        _require_staff(request)
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in EntryKind.values:
            return Response({"kind": [_("Unknown kind.")]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(search_answer(request.query_params.get("q", ""), kind=kind))


class KnowledgeEntryListView(HotlineAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("tab", str, enum=["all", "draft", "review", "approval"], required=False),
        ],
        responses=s.KnowledgeEntrySerializer(many=True),
        summary="The unit's entries (a unit) or all entries (approvers), newest change first, at most 200",
    )
    def get(self, request: Request) -> Response:
        _require_staff(request)
        rows = queries.unit_entries(request.user, tab=request.query_params.get("tab", "all"))[:200]
        context = {"sees_changes": lambda e: queries.sees_changes(request.user, e)}
        return Response(s.KnowledgeEntrySerializer(rows, many=True, context=context).data)

    @extend_schema(
        request=s.KnowledgeCreateSerializer,
        responses={201: s.KnowledgeEntryDetailSerializer, **ERRORS},
        summary="Write a new entry: its first version is a draft of the owning unit",
    )
    def post(self, request: Request) -> Response:
        data = s.KnowledgeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        owner_code, ticket_id = d.pop("owner"), d.pop("source_ticket")
        if owner_code:
            owner = Department.objects.filter(code=owner_code).first()
            if owner is None:
                return Response({"owner": [_("Unknown unit code.")]}, status=status.HTTP_400_BAD_REQUEST)
        elif request.user.department_id:
            owner = request.user.department
        else:
            return Response({"owner": [_("Name the owning unit.")]}, status=status.HTTP_400_BAD_REQUEST)
        ticket = get_object_or_404(visible_tickets(request.user), pk=ticket_id) if ticket_id else None
        entry = services.write_entry(
            owner=owner, by=request.user, now=timezone.now(), source_ticket=ticket, **d
        )
        return _entry_answer(request, entry, code=status.HTTP_201_CREATED)


class KnowledgeEntryDetailView(HotlineAPIView):
    @extend_schema(
        responses=s.KnowledgeEntryDetailSerializer, summary="An entry with the versions you may read"
    )
    def get(self, request: Request, pk: int) -> Response:
        _require_staff(request)
        return _entry_answer(request, get_object_or_404(queries.visible_entries(request.user), pk=pk))


class KnowledgeEditView(HotlineAPIView):
    @extend_schema(
        request=s.KnowledgeEditSerializer,
        responses={200: s.KnowledgeEntryDetailSerializer, **ERRORS},
        summary="Change an entry: rewrite its draft, or start a new draft version from the published one",
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = get_object_or_404(queries.visible_entries(request.user), pk=pk)
        data = s.KnowledgeEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version")
        services.edit_entry(entry, by=request.user, now=timezone.now(), expected_version=version, **d)
        return _entry_answer(request, entry)


def _step_view(step: str, summary: str):
    class StepView(HotlineAPIView):
        @extend_schema(
            request=s.KnowledgeStepSerializer,
            responses={200: s.KnowledgeEntryDetailSerializer, **ERRORS},
            summary=summary,
        )
        def post(self, request: Request, pk: int) -> Response:
            entry = get_object_or_404(queries.visible_entries(request.user), pk=pk)
            data = s.KnowledgeStepSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            d = data.validated_data
            now = timezone.now()
            if step == "send_back":
                services.send_back(
                    entry, note=d["note"], by=request.user, now=now, expected_version=d["version"]
                )
            else:
                services.STEPS[step](entry, by=request.user, now=now, expected_version=d["version"])
            return _entry_answer(request, entry)

    StepView.__name__ = StepView.__qualname__ = f"Knowledge{step.title().replace('_', '')}View"
    return StepView


SubmitView = _step_view("submit", "Submit the draft for the unit's review (the owning unit's staff)")
ReviewView = _step_view("review", "Pass the unit's review (the owning unit's head)")
SendBackView = _step_view(
    "send_back", "Send the change back to draft with a note (the reviewer of the stage)"
)
ApproveView = _step_view("approve", "Approve and publish (the centre); the previous version is superseded")


class KnowledgeCiteView(HotlineAPIView):
    @extend_schema(
        request=s.KnowledgeCiteSerializer,
        responses={201: s.KnowledgeCitationSerializer, **ERRORS},
        summary="Cite an entry's published version on a ticket (recorded in the ticket's event log)",
    )
    def post(self, request: Request) -> Response:
        data = s.KnowledgeCiteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket: Ticket = get_object_or_404(visible_tickets(request.user), pk=data.validated_data["ticket"])
        citation = services.cite_entry(
            ticket, entry=data.validated_data["entry"], by=request.user, now=timezone.now()
        )
        return Response(s.KnowledgeCitationSerializer(citation).data, status=status.HTTP_201_CREATED)


class KnowledgeUpkeepView(HotlineAPIView):
    @extend_schema(
        responses=s.KnowledgeUpkeepSerializer(many=True),
        summary="Upkeep per owning unit: published entries, past their review date, changes in progress",
    )
    def get(self, request: Request) -> Response:
        _require_staff(request)
        unit = None if queries.is_centre(request.user) else request.user.department_id
        return Response(
            s.KnowledgeUpkeepSerializer(queries.upkeep(timezone.localdate(), unit=unit), many=True).data
        )


class KnowledgeExportView(HotlineAPIView):
    @extend_schema(
        responses={(200, xlsx.CONTENT_TYPE): OpenApiTypes.BINARY},
        summary="The published entries you may see as an XLSX workbook (the import's layout)",
    )
    def get(self, request: Request) -> HttpResponse:
        _require_staff(request)
        return xlsx.response(queries.visible_entries(request.user).filter(published__isnull=False))


class KnowledgeImportView(HotlineAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.KnowledgeImportSerializer},
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
        summary="Import entries from XLSX, all or nothing: every row error is listed with row and column",
    )
    def post(self, request: Request) -> Response:
        data = s.KnowledgeImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = xlsx.import_entries(data.validated_data["file"], by=request.user, now=timezone.now())
        return Response({"created": len(made)}, status=status.HTTP_201_CREATED)
