from django.urls import path

from . import views

urlpatterns = [
    path("staff/inbox/", views.inbox, name="notification-inbox"),
    path("staff/inbox/read-all/", views.mark_all_read, name="notification-read-all"),
    path("staff/inbox/<int:pk>/open/", views.open_notification, name="notification-open"),
]
