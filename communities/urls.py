from django.urls import path

from communities import account_views, audit_export, retention_views, views
from communities.dashboard import views as dashboard_views
from communities.dashboard.definitions_view import metric_definitions

urlpatterns = [
    path("", views.home, name="home"),
    path("compounds/", views.compound_directory, name="compound-directory"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/compounds/export.xlsx", views.compound_export, name="compound-export"),
    path("staff/households/export.xlsx", views.household_export, name="household-export"),
    path("staff/buildings.json", views.building_options, name="building-options"),
    path("staff/patrols/", views.patrols, name="patrols"),
    path("staff/patrols/export.xlsx", views.patrol_export, name="patrol-export"),
    path("staff/patrols/missed.xlsx", views.patrol_missed_export, name="patrol-missed-export"),
    path("staff/sites/", views.service_sites, name="service-sites"),
    path("staff/sites/export.xlsx", views.service_record_export, name="service-record-export"),
    path("staff/accounts/", account_views.account_list, name="account-list"),
    path("staff/accounts/new/", account_views.account_create, name="account-create"),
    path("staff/accounts/<int:pk>/", account_views.account_edit, name="account-edit"),
    path("staff/accounts/<int:pk>/deactivate/", account_views.account_deactivate,
         name="account-deactivate"),
    path("staff/accounts/<int:pk>/reactivate/", account_views.account_reactivate,
         name="account-reactivate"),
    path("staff/accounts/<int:pk>/reset-password/", account_views.account_password_reset,
         name="account-password-reset"),
    path("staff/audit/export.xlsx", audit_export.audit_log_export, name="audit-export"),
    path("staff/retention/", retention_views.retention_page, name="retention"),
    path("accounts/password/change/", account_views.password_change, name="password-change"),
    path("accounts/password-reset/", account_views.password_reset_request,
         name="password-reset"),
    path("accounts/password-reset/confirm/", account_views.password_reset_confirm,
         name="password-reset-confirm"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/definitions/", metric_definitions, name="metric-definitions"),
    path("dashboard/export/<slug:table>.xlsx", dashboard_views.dashboard_export,
         name="dashboard-export"),
]
