from django.urls import path

from . import views

urlpatterns = [
    path("party/orgs/", views.organization_tree, name="party-orgs"),
    path("party/orgs/<int:pk>/", views.organization_detail, name="party-org-detail"),
    path("party/meetings/", views.meeting_list, name="party-meetings"),
    path("party/meetings/new/", views.meeting_create, name="party-meeting-new"),
    path("party/meetings/<int:pk>/", views.meeting_detail, name="party-meeting-detail"),
    path("party/actions/<int:pk>/status/", views.action_item_status, name="party-action-status"),
    path("party/points/", views.point_list, name="party-points"),
    path("party/points/apply/", views.point_apply, name="party-point-apply"),
    path("party/points/<int:pk>/", views.point_detail, name="party-point-detail"),
    path("party/points/<int:pk>/review/", views.point_review, name="party-point-review"),
    path("party/points/<int:pk>/resubmit/", views.point_resubmit, name="party-point-resubmit"),
    path("party/points/<int:pk>/assess/", views.point_assess, name="party-point-assess"),
    path("party/points/<int:pk>/report/", views.point_report, name="party-point-report"),
    path("party/reports/", views.report_ledger, name="party-reports"),
    path("party/lists/", views.three_lists, name="party-lists"),
    path("party/funds/", views.funds, name="party-funds"),
    path("party/export/<slug:ledger>.xlsx", views.export, name="party-export"),
]
