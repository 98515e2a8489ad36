"""PostgreSQL drops the server's connections (as when it restarts) between two
requests: the next request still succeeds. The test database's backends are ended
with ``pg_terminate_backend``; the shared cluster is never restarted."""

import urllib.request
import wsgiref.util
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_live_server_answers_after_connections_are_terminated(postgres, world, live_server):
    def get():
        with urllib.request.urlopen(f"{live_server.url}/compounds/?q=A1a", timeout=30) as response:
            return response.status, response.read().decode()

    status, page = get()
    assert status == 200 and "A1a-c-p" in page
    _terminate_other_backends()
    status, page = get()
    assert status == 200 and "A1a-c-p" in page


def test_persistent_connection_is_replaced_after_termination(postgres, world, settings):
    """As in a gunicorn worker: one thread serves request after request and keeps its
    connection (CONN_MAX_AGE); the health check finds it dead and opens a new one."""
    db = connections["default"].settings_dict
    assert db["CONN_HEALTH_CHECKS"] and db["CONN_MAX_AGE"]
    app = WSGIHandler()

    def request():
        environ = {"PATH_INFO": "/compounds/", "QUERY_STRING": "q=A1a",
                   "SERVER_NAME": "testserver", "wsgi.input": BytesIO()}
        wsgiref.util.setup_testing_defaults(environ)
        statuses = []
        body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
        with connection.cursor() as cursor:  # this thread's kept connection
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return statuses[0], body.decode(), pid

    with ThreadPoolExecutor(max_workers=1) as server_thread:
        status, page, first_pid = server_thread.submit(request).result()
        assert status.startswith("200") and "A1a-c-p" in page
        assert _terminate_other_backends() >= 1  # the server thread's connection too
        status, page, second_pid = server_thread.submit(request).result()
        assert status.startswith("200") and "A1a-c-p" in page
        assert second_pid != first_pid
        server_thread.submit(connections.close_all).result()
