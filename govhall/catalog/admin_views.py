"""The catalogue workbook in the admin: upload → errors or a summary of the changes → apply; and download."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.forms import CatalogueUploadForm
from govhall.catalog.services import import_catalogue
from govhall.catalog.xlsx.export import export_catalogue
from govhall.catalog.xlsx.importer import CatalogueImportRefused, plan_import

_UPLOADS = "catalog_imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


# A checked upload waits this long for "apply"; older ones are refused and removed (at the next upload).
PREVIEW_HOURS = 24


def _path(token: str) -> str:
    return f"{_UPLOADS}/{token}.xlsx"


def _expired(path: str, now: datetime) -> bool:
    return default_storage.get_modified_time(path) < now - timedelta(hours=PREVIEW_HOURS)


def _forget_stale_uploads(now: datetime) -> None:
    """Remove the checked uploads nobody applied within PREVIEW_HOURS."""
    try:
        _folders, names = default_storage.listdir(_UPLOADS)
    except FileNotFoundError:
        return
    for name in names:
        if _expired(f"{_UPLOADS}/{name}", now):
            default_storage.delete(f"{_UPLOADS}/{name}")


def import_view(model_admin):
    def view(request: HttpRequest) -> HttpResponse:
        if not (model_admin.has_add_permission(request) and model_admin.has_publish_permission(request)):
            raise PermissionDenied
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Import the catalogue"),
            "form": CatalogueUploadForm(),
        }
        token = request.POST.get("token", "")
        if request.method == "POST" and _TOKEN.match(token):  # step 2: apply the checked upload
            if not default_storage.exists(_path(token)) or _expired(_path(token), timezone.now()):
                default_storage.delete(_path(token))
                context["errors"] = [_("The upload has expired; upload the file again.")]
                return render(request, "admin/catalog/import.html", context)
            try:
                with default_storage.open(_path(token), "rb") as stream:
                    plan = import_catalogue(stream, by=request.user, now=timezone.now())
            except CatalogueImportRefused as refused:  # the database changed since the preview
                context["errors"] = refused.plan.errors.lines()
                return render(request, "admin/catalog/import.html", context)
            finally:
                default_storage.delete(_path(token))
            model_admin.message_user(
                request, _("The catalogue was imported: %(counts)s") % {"counts": _describe(plan.counts())}
            )
            return HttpResponseRedirect(reverse("admin:catalog_serviceitem_changelist"))
        if request.method == "POST":  # step 1: check the upload and show what it would change
            form = CatalogueUploadForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                _forget_stale_uploads(timezone.now())
                plan = plan_import(form.cleaned_data["file"])
                if plan.errors:
                    context["errors"] = plan.errors.lines()
                else:
                    token = uuid.uuid4().hex
                    form.cleaned_data["file"].seek(0)
                    default_storage.save(_path(token), form.cleaned_data["file"])
                    context.update(token=token, plan=plan, counts=plan.counts(), published=plan.published())
        return render(request, "admin/catalog/import.html", context)

    return view


def export_view(model_admin):
    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"catalogue-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        export_catalogue(response)
        return response

    return view


def _describe(counts: dict[str, dict[str, int]]) -> str:
    return "; ".join(
        _("%(sheet)s %(created)s new, %(updated)s changed") % {"sheet": sheet, **c}
        for sheet, c in counts.items()
    )
