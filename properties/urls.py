from django.urls import path

from . import exports, views
from .owner_votes import views as owner_vote_views

urlpatterns = [
    path("compounds/<int:compound_id>/notices/", views.compound_notices, name="compound-notices"),
    path(
        "compounds/<int:compound_id>/notices/<int:pk>/attachment/",
        views.disclosure_attachment, name="disclosure-attachment",
    ),
    path("compounds/<int:compound_id>/votes/<int:vote_id>/", owner_vote_views.vote_ballot,
         name="owner-vote-ballot"),
    path("staff/owner-votes/<int:pk>/ledger.xlsx", owner_vote_views.vote_ledger,
         name="owner-vote-ledger"),
    path("staff/fees/import/", views.fee_import, name="fee-import"),
    path("staff/fees/arrears/", exports.arrears_page, name="fee-arrears"),
    path("staff/properties/export/<slug:ledger>.xlsx", exports.ledger_export,
         name="property-export"),
    path("staff/fees/imports/<int:pk>/", views.fee_import_detail, name="fee-import-detail"),
    path(
        "staff/fees/import/template/<str:kind>.<str:fmt>",
        views.fee_import_template, name="fee-import-template",
    ),
    path("staff/disclosures/", views.disclosure_staff_list, name="disclosure-staff-list"),
    path("staff/disclosures/new/", views.disclosure_create, name="disclosure-create"),
    path(
        "staff/inspection-items/<int:pk>/photo/",
        views.inspection_photo, name="inspection-photo",
    ),
]
