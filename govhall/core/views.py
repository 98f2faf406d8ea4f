from django.apps import apps
from django.shortcuts import redirect, render
from django.utils import timezone

from govhall.core.models import Role
from govhall.core.navigation import ROLE_DESCRIPTIONS, ROLE_NOTES, landing_for
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
