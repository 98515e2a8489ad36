"""Posting an admin add/change form and reading what came back: shared by the tests of
the admin-to-service bridge (``tests/*/test_admin_bridge.py``)."""

import re

from django.urls import reverse


def post_admin(client, app: str, model: str, data, obj=None):
    name = f"admin:{app}_{model}_{'change' if obj else 'add'}"
    return client.post(reverse(name, args=[obj.pk] if obj else []), data)


def refused(response, message, *kept):
    """The form is shown again (200) with the message and what the user typed."""
    assert response.status_code == 200
    page = response.content.decode()
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert any(message in e for e in errors), errors
    for value in kept:
        assert str(value) in page


def saved(response):
    assert response.status_code == 302, response.content.decode()[:3000]


def spy(monkeypatch, module, name):
    """Record the calls of ``module.<name>`` made by the admin (the service still runs)."""
    calls = []
    real = getattr(module, name)

    def recorded(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(module, name, recorded)
    return calls
