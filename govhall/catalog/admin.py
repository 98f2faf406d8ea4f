"""Django admin for the catalogue. A published item version is read-only: it changes by a new version."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from govhall.catalog import admin_views
from govhall.catalog.forms import ProcessStepFormSet
from govhall.catalog.models import (
    Department,
    FormTemplate,
    Hall,
    LicenceType,
    Material,
    ProcessStep,
    ServiceItem,
    SituationQuestion,
    Synonym,
    Theme,
    ThemeItem,
    Window,
)
from govhall.catalog.services import publish_item, revise_item, withdraw_item


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "validity_years"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "is_resident", "phone", "sort_order"]
    list_filter = ["is_resident"]
    search_fields = ["code", "name", "short_name"]
    list_editable = ["sort_order"]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "department", "phone"]
    list_filter = ["level", "department"]
    search_fields = ["code", "name", "region_code"]
    list_select_related = ["parent", "department"]
    autocomplete_fields = ["parent", "department"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["hall", "number", "name", "is_active"]
    list_filter = ["hall__level", "hall", "departments", "is_active"]
    search_fields = ["number", "name", "hall__name", "hall__code"]
    list_select_related = ["hall"]
    autocomplete_fields = ["hall", "departments", "items"]


class _DraftOnlyInline:
    """Children of a published version are read-only like the version itself."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


class MaterialInline(_DraftOnlyInline, admin.TabularInline):
    model = Material
    extra = 0
    fields = [
        "position",
        "name",
        "originals",
        "copies",
        "required",
        "medium",
        "applies_when",
        "notes",
        "licence_type",
    ]


class SituationInline(_DraftOnlyInline, admin.TabularInline):
    model = SituationQuestion
    extra = 0
    fields = ["position", "key", "text", "options"]


class ProcessStepInline(_DraftOnlyInline, admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    fields = ["position", "name", "limit_days"]


class FormTemplateInline(_DraftOnlyInline, admin.TabularInline):
    model = FormTemplate
    extra = 0
    fields = ["name", "kind", "material", "file"]

    def get_formset(self, request, obj=None, **kwargs):
        self._item = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the materials of this version: the catalogue holds thousands of them.
        if db_field.name == "material":
            item = getattr(self, "_item", None)
            kwargs["queryset"] = Material.objects.filter(item=item) if item else Material.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "version",
        "name",
        "item_type",
        "is_approval",
        "department",
        "legal_limit",
        "promised_limit",
        "case_kind",
        "status",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["status", "item_type", "is_approval", "case_kind", "online", "halls__level", "department"]
    search_fields = ["code", "name", "pinyin_initials"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    filter_horizontal = ["halls"]
    readonly_fields = [
        "status",
        "pinyin_initials",
        "published_at",
        "published_by",
        "created_at",
        "created_by",
    ]
    inlines = [SituationInline, MaterialInline, ProcessStepInline, FormTemplateInline]
    actions = ["publish_selected", "revise_selected"]
    change_form_template = "admin/catalog/serviceitem/change_form.html"
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    fieldsets = [
        (None, {"fields": ["code", "version", "status", "name", "pinyin_initials"]}),
        (
            _("Implementation list"),
            {
                "fields": [
                    "item_type",
                    "is_approval",
                    "department",
                    ("legal_limit", "promised_limit"),
                    "case_kind",
                    "legal_basis",
                    "conditions",
                    "fees",
                    "online",
                    "halls",
                    "contact_phone",
                    "issues_licence",
                    ("delivery_window", "delivery_post", "delivery_electronic"),
                ]
            },
        ),
        (_("History"), {"fields": ["created_at", "created_by", "published_at", "published_by"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code", "version"] if obj is not None else [*fields, "version"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        # Published and past versions stay: cases refer to them.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    def has_publish_permission(self, request) -> bool:
        """Publishing and revising need the right to change items (the version itself is not changed)."""
        return super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(admin_views.import_view(self)), name="catalog_import"),
            path("export/", self.admin_site.admin_view(admin_views.export_view(self)), name="catalog_export"),
            path(
                "<int:pk>/version/<str:verb>/",
                self.admin_site.admin_view(require_POST(self.version_view)),
                name="catalog_serviceitem_version",
            ),
        ]
        return own + super().get_urls()

    _VERBS = {"publish": publish_item, "revise": revise_item, "withdraw": withdraw_item}

    def version_view(self, request: HttpRequest, pk: int, verb: str):
        """The buttons on the change form: publish a draft, create a new version, withdraw."""
        item = get_object_or_404(ServiceItem, pk=pk)
        service = self._VERBS.get(verb)
        if service is None or not self.has_publish_permission(request):
            return HttpResponseRedirect(reverse("admin:catalog_serviceitem_change", args=[pk]))
        try:
            result = service(item, by=request.user, now=timezone.now())
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_serviceitem_change", args=[pk]))
        self.message_user(
            request,
            _("Done: %(item)s is now “%(status)s”.")
            % {"item": result, "status": result.get_status_display()},
        )
        return HttpResponseRedirect(reverse("admin:catalog_serviceitem_change", args=[result.pk]))

    def _run(self, request, queryset, service) -> None:
        for item in queryset:
            try:
                result = service(item, by=request.user, now=timezone.now())
            except ValidationError as exc:
                self.message_user(request, f"{item}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(item)s is now “%(status)s”.")
                    % {"item": result, "status": result.get_status_display()},
                )

    @admin.action(description=_("Publish the selected drafts"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run(request, queryset, publish_item)

    @admin.action(
        description=_("Create a new version of the selected published items"), permissions=["publish"]
    )
    def revise_selected(self, request, queryset):
        self._run(request, queryset, revise_item)


class ThemeItemInline(admin.TabularInline):
    model = ThemeItem
    extra = 1
    fields = ["position", "code"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Themes of the public guides (个人办事, 法人办事, life events); items by code, so new versions stay."""

    list_display = ["name", "kind", "position"]
    list_filter = ["kind"]
    list_editable = ["position"]
    search_fields = ["name"]
    inlines = [ThemeItemInline]


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words the public types that the catalogue does not use: the portal's search expands them."""

    list_display = ["term", "words"]
    search_fields = ["term", "words"]
