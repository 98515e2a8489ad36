"""Schemathesis against ``/api/schema/``: every operation of the API, called by an
authenticated superuser with generated data (a bounded number of examples each);
never a server error, and every documented response matches the schema."""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application


def _session_headers(user) -> dict:
    """The superuser's session cookie and a CSRF pair: the API takes no HTTP Basic."""
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)
    return {"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; "
                      f"{django_settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf}


MAX_EXAMPLES = 12


# Transactional: requests run in autocommit as in production (a refused statement
# does not poison a surrounding test transaction).
@pytest.mark.django_db(transaction=True)
def test_every_api_operation(world):
    headers = _session_headers(world.users["superuser"])
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    failures = []
    for operation in operations:

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            call()
        except Exception as failure:  # noqa: BLE001 - every operation's failure is listed
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert not failures, "\n\n".join([f"{len(failures)} operations failed", *failures])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/compounds/?district=-79427473403624748485579898880",
                                  "/api/v1/buildings/?compound=99999999999999999999999"])
def test_out_of_range_number_is_a_client_error(client, world, path):
    """Found by schemathesis on SQLite: a filter id beyond 64 bits was a 500."""
    client.force_login(world.users["superuser"])
    response = client.get(path)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_time_zone_offset_beyond_the_database_range_is_a_client_error(client, world):
    """Found by schemathesis on PostgreSQL: an offset of -17:05 was a 500."""
    client.force_login(world.users["superuser"])
    response = client.get("/api/v1/joint-meetings/",
                          {"held_before": "2703-07-24T03:00:22-17:05"})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["message"]
