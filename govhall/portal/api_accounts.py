"""/api/v1/portal/: sign-in by text-message code (a session, as on the pages), the real-name profile,
companies, their staff, and whom the account acts as. The same services and rules as the pages.

- A throttled code request answers 429 with `Retry-After` and `retry_at`.
- PATCH /me/ needs the version read (header `If-Match: "<version>"` or a `version` field): 428 without,
  409 with a stale one, and nothing changes.
- Others' companies answer 404; an action only the representative may take answers 403 to staff.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.models import IdType
from govhall.core.models import Role
from govhall.portal import access
from govhall.portal.models import Company, CompanyMember, MemberRole
from govhall.portal.services import accounts, companies, profiles
from govhall.portal.views_accounts import SESSION_BACKEND, client_ip


class IsApplicant(permissions.BasePermission):
    message = "The online service hall is for citizens and companies."

    def has_permission(self, request: Request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.role == Role.APPLICANT)


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = 'Send the version you read: header If-Match: "<version>" or a "version" field.'
    default_code = "precondition_required"


def expected_version(request: Request, data: dict) -> int:
    header = (request.headers.get("If-Match") or "").strip()
    if header:
        try:
            return int(header.removeprefix("W/").strip().strip('"'))
        except ValueError:
            raise serializers.ValidationError({"If-Match": [_('Expected If-Match: "<version>".')]}) from None
    if data.get("version") is not None:
        return data["version"]
    raise PreconditionRequired()


class PortalAPIView(APIView):
    permission_classes = [IsApplicant]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, accounts.TooManyRequests):
            seconds = max(1, int((exc.retry_at - timezone.now()).total_seconds() + 0.999))
            body = {**exc.message_dict, "retry_at": exc.retry_at.isoformat()}
            return Response(
                body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(seconds)}
            )
        if isinstance(exc, profiles.StaleVersion):
            body = {"detail": str(exc), "code": "stale_version", "current_version": exc.actual}
            return Response(body, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DjangoPermissionDenied):
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        if isinstance(exc, DjangoValidationError):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class PhoneIn(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class CodeSentOut(serializers.Serializer):
    phone = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CodeIn(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=6)


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    real_name = serializers.CharField(max_length=100, allow_blank=True)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=40, allow_blank=True)
    has_real_name = serializers.BooleanField(read_only=True)
    verified_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(required=False)


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "credit_code", "legal_representative", "created_at"]
        read_only_fields = ["id", "created_at"]
        # The service checks the credit code and its uniqueness, naming the rule.
        extra_kwargs = {"credit_code": {"validators": []}, "name": {"allow_blank": True}}


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)

    class Meta:
        model = CompanyMember
        fields = ["id", "name", "phone", "role", "is_active", "authorised_at", "revoked_at"]


class ActingAsSerializer(serializers.Serializer):
    company = serializers.IntegerField(allow_null=True)


class RequestCodeView(PortalAPIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=PhoneIn,
        responses={202: CodeSentOut, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
        summary="Send a one-time sign-in code by text message",
    )
    def post(self, request: Request) -> Response:
        data = PhoneIn(data=request.data)
        data.is_valid(raise_exception=True)
        sent = accounts.request_code(
            phone=data.validated_data["phone"], ip=client_ip(request), now=timezone.now()
        )
        return Response(CodeSentOut(sent).data, status=status.HTTP_202_ACCEPTED)


class SignInView(PortalAPIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=CodeIn,
        responses={200: ProfileSerializer, 400: OpenApiTypes.OBJECT},
        summary="Sign in (or sign up) with the code; starts a session",
    )
    def post(self, request: Request) -> Response:
        data = CodeIn(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        user = accounts.sign_in_with_code(**data.validated_data, ip=client_ip(request), now=now)
        login(request._request, user, backend=SESSION_BACKEND)
        return Response(ProfileSerializer(profiles.profile_of(user, now=now)).data)


class SignOutView(PortalAPIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="End the session")
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(PortalAPIView):
    @extend_schema(responses=ProfileSerializer, summary="My account and real-name profile")
    def get(self, request: Request) -> Response:
        profile = profiles.profile_of(request.user, now=timezone.now())
        return Response(ProfileSerializer(profile).data, headers={"ETag": f'"{profile.version}"'})

    @extend_schema(
        request=ProfileSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={
            200: ProfileSerializer,
            400: OpenApiTypes.OBJECT,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version"),
            428: OpenApiResponse(OpenApiTypes.OBJECT, description="No If-Match header and no version field"),
        },
        summary="Record the real name and identity document",
    )
    def patch(self, request: Request) -> Response:
        now = timezone.now()
        profile = profiles.profile_of(request.user, now=now)
        data = ProfileSerializer(profile, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        saved = profiles.record_real_name(
            profile,
            real_name=d.get("real_name", profile.real_name),
            id_type=d.get("id_type", profile.id_type),
            id_number=d.get("id_number", profile.id_number),
            expected_version=expected_version(request, d),
            now=now,
        )
        return Response(ProfileSerializer(saved).data, headers={"ETag": f'"{saved.version}"'})


class CompaniesView(PortalAPIView):
    @extend_schema(responses=CompanySerializer(many=True), summary="The companies I act for")
    def get(self, request: Request) -> Response:
        rows = access.companies_of(request.user).distinct().order_by("name")
        return Response(CompanySerializer(rows, many=True).data)

    @extend_schema(
        request=CompanySerializer,
        responses={201: CompanySerializer, 400: OpenApiTypes.OBJECT},
        summary="Register a company (its legal representative only)",
    )
    def post(self, request: Request) -> Response:
        data = CompanySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = companies.register_company(by=request.user, now=timezone.now(), **data.validated_data)
        return Response(CompanySerializer(company).data, status=status.HTTP_201_CREATED)


class CompanyView(PortalAPIView):
    @extend_schema(
        responses={200: CompanySerializer, 404: OpenApiTypes.OBJECT}, summary="A company I act for"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CompanySerializer(access.company_of(request.user, pk)).data)


class MembersView(PortalAPIView):
    @extend_schema(responses=MemberSerializer(many=True), summary="Who acts for the company")
    def get(self, request: Request, pk: int) -> Response:
        company = access.company_of(request.user, pk)
        rows = company.members.filter(is_active=True).select_related("user").order_by("role", "pk")
        return Response(MemberSerializer(rows, many=True).data)

    @extend_schema(
        request=PhoneIn,
        responses={201: MemberSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        summary="Authorise staff (经办人) by their mobile number (the representative only)",
    )
    def post(self, request: Request, pk: int) -> Response:
        company = access.company_of(request.user, pk)
        data = PhoneIn(data=request.data)
        data.is_valid(raise_exception=True)
        member = companies.authorise_staff(
            company, by=request.user, phone=data.validated_data["phone"], now=timezone.now()
        )
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)


class RevokeView(PortalAPIView):
    @extend_schema(
        request=None,
        responses={200: MemberSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        summary="Revoke a staff member's authorisation (the representative only)",
    )
    def post(self, request: Request, pk: int, member_pk: int) -> Response:
        company = access.company_of(request.user, pk)
        member = get_object_or_404(CompanyMember, company=company, pk=member_pk, role=MemberRole.AGENT)
        return Response(
            MemberSerializer(companies.revoke_staff(member, by=request.user, now=timezone.now())).data
        )


class ActingAsView(PortalAPIView):
    @extend_schema(responses=ActingAsSerializer, summary="Whom I act as: myself (null) or a company")
    def get(self, request: Request) -> Response:
        company = access.acting_as(request._request)
        return Response({"company": company.pk if company else None})

    @extend_schema(request=ActingAsSerializer, responses={200: ActingAsSerializer, 404: OpenApiTypes.OBJECT})
    def put(self, request: Request) -> Response:
        data = ActingAsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pk = data.validated_data["company"]
        company = access.company_of(request.user, pk) if pk is not None else None
        access.choose_acting_as(request._request, company)
        return Response({"company": pk})
