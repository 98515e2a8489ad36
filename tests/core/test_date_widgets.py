"""Date and time fields pre-fill in the only format their input type accepts, in Chinese
as in English (the locale's "2026/12/02 05:30" is dropped by the browser)."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from core.forms import DateInput, DateTimeLocalInput


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(widget=DateTimeLocalInput())
    spent_on = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_prefill_is_in_the_input_types_format(language):
    with translation.override(language):
        html = str(VisitForm(initial={"visited_at": datetime(2026, 12, 2, 5, 30),
                                      "spent_on": date(2026, 12, 2)}))
    assert 'type="datetime-local"' in html and 'value="2026-12-02T05:30"' in html
    assert 'type="date"' in html and 'value="2026-12-02"' in html


def test_what_the_browser_sends_back_is_accepted():
    form = VisitForm(data={"visited_at": "2026-12-02T05:30", "spent_on": "2026-12-02"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visited_at"].replace(tzinfo=None) == datetime(2026, 12, 2, 5, 30)
