"""The dashboard's filter form (codes in the query string, as the API and the command take them) and the
report forms."""

from __future__ import annotations

from datetime import date

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Department, Hall, HallLevel
from govhall.stats.filters import FilterError, parse_filters
from govhall.stats.queries import Filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """from, to, department, hall, level, lane, item; `filters` once valid."""

    def __init__(self, data=None, *, today: date) -> None:
        super().__init__(data)
        self.default_from = today.replace(month=1, day=1)
        self.default_to = today
        everything = [("", _("All"))]
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DATE)
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DATE)
        self.fields["department"] = forms.ChoiceField(
            label=_("Department"),
            required=False,
            choices=everything + [(d.code, d.name) for d in Department.objects.all()],
        )
        self.fields["level"] = forms.ChoiceField(
            label=_("Hall level"), required=False, choices=everything + list(HallLevel.choices)
        )
        self.fields["hall"] = forms.ChoiceField(
            label=_("Hall"),
            required=False,
            choices=everything + [(h.code, h.name) for h in Hall.objects.order_by("level", "code")],
        )
        lanes = []
        if apps.is_installed("govhall.lanes"):
            from govhall.lanes.models import Lane

            lanes = list(dict(Lane.objects.order_by("code", "version").values_list("code", "name")).items())
        self.fields["lane"] = forms.ChoiceField(
            label=_("Fast lane"), required=False, choices=everything + lanes
        )
        self.fields["item"] = forms.CharField(
            label=_("Item code"), required=False, max_length=64, widget=forms.TextInput(attrs={"size": 14})
        )
        self.initial = {"from": self.default_from, "to": self.default_to}
        self.filters: Filters | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        params = {k: data.get(k) or "" for k in ("department", "hall", "level", "lane", "item")}
        params["from"] = (data.get("from") or self.default_from).isoformat()
        params["to"] = (data.get("to") or self.default_to).isoformat()
        try:
            self.filters = parse_filters(params)
        except FilterError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def resolved(self) -> Filters | None:
        """The filters of valid input, or of the defaults when the form was not sent."""
        if not self.is_bound:
            return Filters(self.default_from, self.default_to)
        return self.filters if self.is_valid() else None


class GenerateForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
