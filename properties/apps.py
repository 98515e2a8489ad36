from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import register_compounds_served_by


class PropertiesConfig(AppConfig):
    name = "properties"
    verbose_name = _("Property management")

    def ready(self):
        # Models can only be imported once the app registry is ready.
        from .models import ServiceContract  # noqa: PLC0415

        # The scope of firm staff (communities imports no other app): the compounds
        # their firm holds an active contract for.
        register_compounds_served_by(
            lambda firm_id: ServiceContract.objects.serving(firm_id).values("compound_id")
        )
