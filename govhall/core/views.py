from django.shortcuts import render
from django.utils import timezone

from govhall.core.navigation import ROLE_DESCRIPTIONS, ROLE_NOTES, landing_for
from govhall.core.worklist import tiles_for


def home(request):
    context = {}
    if request.user.is_authenticated:
        context = {
            "role_description": ROLE_DESCRIPTIONS.get(request.user.role, ""),
            "landing_links": landing_for(request.user),
            "role_note": ROLE_NOTES.get(request.user.role, ""),
            "tiles": tiles_for(request.user, now=timezone.now()),
        }
    return render(request, "core/home.html", context)
