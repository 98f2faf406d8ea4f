"""/portal/satisfaction/ (ratingstats): each department's 好差评 figures of a month, for everyone, without
sign-in and without personal data. Parse the month, read the figures (govhall.stats.ratingstats), render."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from govhall.stats.ratingstats import public_month
from govhall.stats.templatetags.stats import figure

MONTHS_OFFERED = 12


def recent_months(today: date, n: int = MONTHS_OFFERED) -> list[date]:
    out, month = [], today.replace(day=1)
    for _i in range(n):
        out.append(month)
        month = (month.replace(day=1) - date.resolution).replace(day=1)
    return out


class MonthForm(forms.Form):
    def __init__(self, data, *, today: date) -> None:
        super().__init__(data)
        choices = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in recent_months(today)]
        self.fields["month"] = forms.ChoiceField(label=_("Month"), choices=choices, required=False)


@require_GET
def satisfaction(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MonthForm(request.GET or None, today=today)
    month = today.replace(day=1)
    status = 200
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["month"]:
            month = date.fromisoformat(form.cleaned_data["month"] + "-01")
        elif not form.is_valid():
            status = 400
    figures = public_month(month, today=today)
    total = figures["total"]
    total_rows = [
        (_("Number of ratings"), total["rated"]),
        (_("Satisfaction rate"), figure(total["satisfaction_rate"], "rate")),
        (_("Bad ratings"), total["bad"]),
        (_("Bad ratings called back"), figure(total["callback_rate"], "rate")),
        (_("Rectification on time"), figure(total["rectified_on_time_rate"], "rate")),
    ]
    context = {"form": form, "figures": figures, "month": month, "total_rows": total_rows}
    return render(request, "portal/satisfaction.html", context, status=status)
