from django.urls import path

from . import open311, views

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/new/<int:compound_id>/", views.complaint_new,
         name="complaint-new-compound"),
    path("complaints/similar/", views.complaint_similar, name="complaint-similar"),
    path("complaints/receipt/", views.complaint_receipt, name="complaint-receipt"),
    path("complaints/track/", views.track, name="complaint-track"),
    path("complaints/track/<str:code>/", views.track_detail, name="complaint-track-detail"),
    path("complaints/track/<str:code>/feedback/", views.track_feedback,
         name="complaint-track-feedback"),
    path("complaints/track/<str:code>/photos/<int:pk>/", views.track_photo,
         name="complaint-track-photo"),
    path("staff/complaints/", views.queue, name="complaint-queue"),
    path("staff/complaints/export.xlsx", views.queue_export, name="complaint-export"),
    path("staff/complaints/new/", views.log_request, name="complaint-log"),
    path("staff/complaints/<int:pk>/", views.detail, name="complaint-detail"),
    path("staff/complaints/<int:pk>/<slug:action>/", views.act, name="complaint-act"),
    path("staff/complaints/photos/<int:pk>/", views.staff_photo, name="complaint-photo"),
    path("open311/v2/", open311.discovery, {"fmt": "json"}, name="open311-root"),
    path("open311/v2/discovery.<str:fmt>", open311.discovery, name="open311-discovery"),
    path("open311/v2/services.<str:fmt>", open311.service_list, name="open311-services"),
    path("open311/v2/services/<str:code>.<str:fmt>", open311.service_definition,
         name="open311-service"),
    path("open311/v2/requests.<str:fmt>", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<str:request_id>.<str:fmt>", open311.request_detail,
         name="open311-request"),
]
