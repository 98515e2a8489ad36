"""The official calendar in the admin: administrators (superusers) add, correct and remove
days through ``communities.official_calendar``; everyone else may at most look."""

from django.contrib import admin, messages

from communities.models import CalendarDay
from communities.official_calendar import calendar_day_delete, calendar_day_save
from core.errors import ApplicationError


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "updated_at", "updated_by"]
    list_filter = ["kind"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        try:
            saved = calendar_day_save(
                actor=request.user, date=obj.date, kind=obj.kind, name=obj.name,
                day=obj if change else None,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            calendar_day_delete(actor=request.user, day=day)
