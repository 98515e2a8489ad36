"""Fuzz tests reuse the complaint and property worlds of those apps' tests, with a
cache of their own: clearing it between examples never touches the counters (rate
limits) of tests running in parallel on the shared Redis cache."""

import os

import pytest

from tests.complaints.conftest import cw  # noqa: F401
from tests.properties.conftest import bill, fw  # noqa: F401


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"fuzz-{os.getpid()}"}}
