"""Celery application: broker from CELERY_BROKER_URL, eager when it is not set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("red_property")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
