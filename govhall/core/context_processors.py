from django.conf import settings

from govhall.core.display import elder_mode
from govhall.core.navigation import navigation_for


def site(request):
    return {
        "centre_name": settings.GOVHALL_CENTRE_NAME,
        "complaint_phone": settings.GOVHALL_COMPLAINT_PHONE,
        "demo_mode": settings.DEMO_MODE,
        "elder_mode": elder_mode(request),
    }


def navigation(request):
    """The navigation bar of the current user (see govhall.core.navigation)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": []}
    return {"nav_links": navigation_for(user, path=request.path)}
