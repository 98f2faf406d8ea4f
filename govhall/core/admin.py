from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from govhall.core.models import User

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
