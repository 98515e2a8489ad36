from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("compounds/", views.compound_directory, name="compound-directory"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/compounds/export.xlsx", views.compound_export, name="compound-export"),
    path("staff/households/export.xlsx", views.household_export, name="household-export"),
]
