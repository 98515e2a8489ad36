"""``/healthz``: a trivial liveness probe for load balancers and deployments."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
