"""The Django admin (管理员 only, under /county/admin/): a fallback for editing any record by hand."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required

from .models import AuditEvent, Portal, Unit

admin.site.site_header = admin.site.site_title = "年报报送系统管理"
# One way in: the portal's own login page, which is rate-limited and audited.
admin.site.login = login_required(admin.site.login)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "level", "code", "retired")
    list_editable = ("name", "level", "retired")
    search_fields = ("name",)


@admin.register(Portal)
class PortalAdmin(admin.ModelAdmin):
    list_display = ("year", "title")


@admin.register(AuditEvent)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "action", "unit", "detail", "ip")
    list_filter = ("action",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
