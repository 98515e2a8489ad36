from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """The synthetic city (`generate_city`) and the benchmark harness (`make bench`).
    No models."""

    name = "bench"
    verbose_name = _("Benchmark")
