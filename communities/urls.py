from django.urls import path

from communities import views
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
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/definitions/", metric_definitions, name="metric-definitions"),
    path("dashboard/export/<slug:table>.xlsx", dashboard_views.dashboard_export,
         name="dashboard-export"),
]
