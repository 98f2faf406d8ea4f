"""Workbench pages for a case's documents: attach one (case page form) and download one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases import permissions as perms
from govhall.cases import services
from govhall.cases.errors import CaseForbidden, StaleVersion
from govhall.cases.forms import VersionForm
from govhall.cases.models import CaseDocument
from govhall.cases.queries import visible_cases
from govhall.cases.services.documents import ALLOWED_EXTENSIONS
from govhall.cases.views import SEARCH_ROLES, roles_required, source_of


class DocumentForm(VersionForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,  # the service names a missing file with the rule, like every other error
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    material = forms.TypedChoiceField(
        label=gettext_lazy("Material"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
    result = forms.BooleanField(
        label=gettext_lazy("Electronic result for the applicant to download"), required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        if case is not None:
            choices += [(m.pk, m.material.name) for m in case.materials.all()]
        self.fields["material"].choices = choices


def download(document: CaseDocument) -> FileResponse:
    """The stored file as an attachment under its original name (never shown inline: no HTML from uploads)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing from the storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@roles_required(SEARCH_ROLES)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.role in perms.SEE_ALL_ROLES:
        raise PermissionDenied(_("Your role reads cases and changes nothing."))
    case = get_object_or_404(visible_cases(request.user).prefetch_related("materials__material"), pk=pk)
    form = DocumentForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}：{'；'.join(errors)}")
        return redirect("cases:detail", pk=case.pk)
    d = form.cleaned_data
    try:
        services.add_document(
            case,
            file=d["file"],
            material=d["material"],
            note=d["note"],
            result=d["result"],
            by=request.user,
            now=timezone.now(),
            expected_version=d["version"],
            source=source_of(request),
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}：{'；'.join(errors)}")
    except (StaleVersion, CaseForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Document attached."))
    return redirect("cases:detail", pk=case.pk)


@require_GET
@roles_required(SEARCH_ROLES)
def fetch(request: HttpRequest, pk: int, document: int) -> FileResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    return download(get_object_or_404(CaseDocument, case=case, pk=document))
