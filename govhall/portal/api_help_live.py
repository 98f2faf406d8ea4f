"""/api/v1/portal/help/<id>/messages/: the text chat of a remote help session in the API (the service
govhall.portal.services.help_live.send_message and nothing else). Read by whoever may see the session;
written by its two sides while it is in progress. 400 names the field (`text`), 403 someone who takes no
part, 404 a session the account cannot see, 409 a session not in progress."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.core import inputs
from govhall.portal.api_help import ERRORS, HelpAPIView
from govhall.portal.models import AuthorKind
from govhall.portal.services import help_live


class HelpMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    author_kind = serializers.ChoiceField(choices=AuthorKind.choices)
    side = serializers.ChoiceField(choices=["centre", "applicant"])
    text = serializers.CharField()
    at = serializers.DateTimeField()


class HelpMessageInSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=f"At most {help_live.MESSAGE_MAX_CHARS} characters"
    )


class HelpMessages(HelpAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("after", OpenApiTypes.INT, description="Only the lines after this id")],
        responses={200: HelpMessageSerializer(many=True), **{k: v for k, v in ERRORS.items() if k == 404}},
        description="The session's text chat, oldest first (at most 200 lines after `after`).",
    )
    def get(self, request: Request, pk: int) -> Response:
        session = self.visible(pk)
        after = inputs.whole_id(request.query_params.get("after") or "0")
        if after is None:
            return Response(
                {"after": [_("A whole number from 0 to %(max)s.") % {"max": inputs.INT_MAX}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(HelpMessageSerializer(help_live.messages_after(session, after), many=True).data)

    @extend_schema(
        request=HelpMessageInSerializer,
        responses={201: HelpMessageSerializer, **ERRORS},
        description="Write one line in the chat (in progress; its clerk or the applicant's side).",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = self.visible(pk)
        d = HelpMessageInSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        row = help_live.send_message(
            session, text=d.validated_data["text"], by=request.user, now=timezone.now()
        )
        return Response(
            HelpMessageSerializer(help_live.message_row(row)).data, status=status.HTTP_201_CREATED
        )
