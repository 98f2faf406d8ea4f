from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.static import serve

from govhall.core.models import PersonalDataView, Role
from govhall.core.navigation import ROLE_DESCRIPTIONS, ROLE_NOTES, landing_for
from govhall.core.privacy import may_read_views
from govhall.core.worklist import tiles_for


def home(request):
    # The public and the applicants land in the online service hall; core links to it by URL name only.
    is_public = not request.user.is_authenticated or request.user.role == Role.APPLICANT
    if is_public and apps.is_installed("govhall.portal"):
        return redirect("portal:home")
    context = {}
    if request.user.is_authenticated:
        context = {
            "role_description": ROLE_DESCRIPTIONS.get(request.user.role, ""),
            "landing_links": landing_for(request.user),
            "role_note": ROLE_NOTES.get(request.user.role, ""),
            "tiles": tiles_for(request.user, now=timezone.now()),
        }
    return render(request, "core/home.html", context)


@login_required
def media(request, path: str):
    """Uploaded files under DEBUG (the development server), for staff only: they hold applicants'
    documents. Everyone else reaches a file through the view that checks their right to it (a case's
    documents, a guide's forms); production serves no /media/ at all."""
    if not request.user.is_staff:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@login_required
def personal_data_views(request):
    """Who saw which applicant's full identity number or phone, and when (supervisors, administrators)."""
    if not may_read_views(request.user):
        raise PermissionDenied
    rows = PersonalDataView.objects.select_related("user")
    number = (request.GET.get("number") or "").strip()[:40]
    if number:
        rows = rows.filter(number=number)
    return render(
        request, "core/personal_data_views.html", {"rows": rows[:PERSONAL_DATA_PAGE], "number": number}
    )


PERSONAL_DATA_PAGE = 200  # the newest; narrowed by a case or ticket number
