from django.conf import settings


def site(request):
    return {
        "centre_name": settings.GOVHALL_CENTRE_NAME,
        "demo_mode": settings.DEMO_MODE,
    }
