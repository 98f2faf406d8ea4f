from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from govhall.core.models import ApiToken, User

# The centre's name comes from the deployment; the words around it from the user's language.
admin.site.site_header = format_lazy(_("{centre} administration"), centre=settings.GOVHALL_CENTRE_NAME)
admin.site.site_title = format_lazy(_("{centre} administration"), centre=settings.GOVHALL_CENTRE_NAME)
admin.site.index_title = _("Back office")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("Role and place of work"), {"fields": ("role", "department", "hall")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Role and place of work"), {"fields": ("last_name", "first_name", "role", "department", "hall")}),
    )
    list_display = ("username", "full_name", "role", "department", "hall", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active", "department", "hall__level")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    list_select_related = ("department", "hall")
    ordering = ("username",)

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.display_name if obj.first_name or obj.last_name else ""


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made here with "Add" (the token is shown once, in the message) and revoked by deleting."""

    list_display = ("token_key", "user", "name", "scope", "role", "created", "expiry")
    list_filter = ("scope", "role")
    search_fields = ("token_key", "user__username", "name")
    list_select_related = ("user",)
    fields = ("user", "name", "scope", "days")
    readonly_fields = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        from django import forms

        class TokenForm(forms.ModelForm):
            days = forms.IntegerField(
                label=_("days until it expires"), min_value=1, max_value=3650, initial=90
            )

            class Meta:
                model = ApiToken
                fields = ("user", "name", "scope")

        return TokenForm

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from django.contrib import messages
        from django.utils import timezone

        from govhall.core.tokens import create_token

        token, text = create_token(
            form.cleaned_data["user"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            name=form.cleaned_data["name"],
            now=timezone.now(),
        )
        obj.pk = token.pk
        obj.digest = token.digest
        messages.warning(request, _("The new token (shown only now, copy it): %(token)s") % {"token": text})
