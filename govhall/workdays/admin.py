"""Admin for the calendar. Every save or delete goes through a service so that it adds a revision."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core import inputs
from govhall.workdays import services
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear
from govhall.workdays.notices import FORMATS


class RevisionedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        services.save_calendar_entry(obj, by=request.user, now=timezone.now())

    def delete_model(self, request, obj) -> None:
        services.delete_calendar_entries([obj], by=request.user, now=timezone.now())

    def delete_queryset(self, request, queryset) -> None:
        services.delete_calendar_entries(list(queryset), by=request.user, now=timezone.now())


class NoticeUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Notice file"), help_text=gettext_lazy(".yaml, .yml or .csv"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("", gettext_lazy("from the file name")), *[(f, f.upper()) for f in FORMATS]],
        required=False,
    )


class NoticeConfirmForm(forms.Form):
    text = forms.CharField(max_length=inputs.LONG_TEXT_MAX, widget=forms.HiddenInput, strip=False)
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], widget=forms.HiddenInput)


@admin.register(CalendarDay)
class CalendarDayAdmin(RevisionedAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "scope", "source"]
    list_filter = ["scope", "is_workday"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    change_list_template = "admin/workdays/calendarday/change_list.html"

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        from django.utils.dates import WEEKDAYS

        return str(WEEKDAYS[obj.date.weekday()])

    def get_urls(self):
        return [
            path(
                "load-notice/",
                self.admin_site.admin_view(self.load_notice_view),
                name="workdays_calendarday_load_notice",
            ),
            *super().get_urls(),
        ]

    def load_notice_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → every error, or the preview → confirm → apply. Nothing changes before the confirmation."""
        if not (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and self.has_delete_permission(request)
        ):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load a holiday notice"),
            "upload_form": NoticeUploadForm(),
        }
        if request.method == "POST" and "confirm" in request.POST:
            confirm = NoticeConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    notice = services.parse_notice(
                        confirm.cleaned_data["text"], confirm.cleaned_data["format"]
                    )
                except services.CalendarInputError as exc:
                    context["problems"] = exc.problems
                else:
                    revision = services.apply_notice(notice, by=request.user, now=timezone.now())
                    self.message_user(
                        request,
                        _("Loaded %(year)s; calendar version %(version)s")
                        % {"year": notice.year, "version": revision.pk},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:workdays_calendarday_changelist"))
        elif request.method == "POST":
            upload = NoticeUploadForm(request.POST, request.FILES)
            context["upload_form"] = upload
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                try:
                    text = services.decode(file.read())
                    fmt = upload.cleaned_data["format"] or services.guess_format(file.name)
                    notice = services.parse_notice(text, fmt)
                except services.CalendarInputError as exc:
                    context["problems"] = exc.problems
                else:
                    context.update(
                        notice=notice,
                        changes=services.preview_notice(notice),
                        confirm_form=NoticeConfirmForm(initial={"text": text, "format": fmt}),
                    )
        return TemplateResponse(request, "admin/workdays/calendarday/load_notice.html", context)


@admin.register(CalendarYear)
class CalendarYearAdmin(RevisionedAdmin):
    list_display = ["year", "title", "source", "loaded_at"]


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "summary", "by"]
    readonly_fields = ["id", "created_at", "summary", "by", "nonce"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
