"""/portal/progress/: the public progress query page. Parse the form, count the query against the client's and
the number's budgets, find the case, render."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from govhall.portal.progress import find_progress
from govhall.portal.throttling import page_wait


class ProgressForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=40)
    code = forms.CharField(
        label=gettext_lazy("Verification code or last six characters of the ID number"),
        max_length=8,
        help_text=gettext_lazy("The verification code is printed on every notice and receipt."),
    )


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    form = ProgressForm(request.GET or None)
    result = None
    searched = False
    status = 200
    if form.is_valid():
        wait = page_wait(request)
        if wait is not None:
            form.add_error(
                None,
                _(
                    "Too many queries from your address or for this case number: please try again in "
                    "%(n)s seconds."
                )
                % {"n": wait},
            )
            response = render(request, "portal/progress.html", {"form": form, "searched": False}, status=429)
            response["Retry-After"] = str(wait)
            return response
        searched = True
        result = find_progress(form.cleaned_data["number"], form.cleaned_data["code"])
        status = 404 if result is None else 200
    context = {"form": form, "result": result, "searched": searched}
    return render(request, "portal/progress.html", context, status=status)
