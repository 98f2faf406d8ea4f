from django.shortcuts import render

from govhall.core.navigation import ROLE_DESCRIPTIONS, ROLE_NOTES, landing_for


def home(request):
    context = {}
    if request.user.is_authenticated:
        context = {
            "role_description": ROLE_DESCRIPTIONS.get(request.user.role, ""),
            "landing_links": landing_for(request.user),
            "role_note": ROLE_NOTES.get(request.user.role, ""),
        }
    return render(request, "core/home.html", context)
