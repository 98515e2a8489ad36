"""The Django admin's index shows the dashboard's headline cards for the user's own unit."""

import pytest

from tests.communities.dashboard_data import last_month, row, save, shown_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers(world):
    save(
        row("disclosure_rate", shown_month(), "street", world.streets["A1a"].pk, 1, 2),
        row("disclosure_rate", last_month(), "street", world.streets["A1a"].pk, 1, 4),
        row("disclosure_rate", shown_month(), "street", world.streets["A1b"].pk, 3, 3),
    )
    return world


def test_admin_index_shows_own_headline_cards(client, numbers):
    client.force_login(numbers.users["street_staff"])
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('id="headline-cards"')[1].split("</section>")[0]
    # The last complete month, compared with the month before: no preliminary figures.
    assert "A1a" in section and f"{shown_month():%Y-%m}" in section
    assert "初步" not in section
    card = section.split('data-metric="disclosure_rate"')[1].split("</div>")[0]
    assert "公示率" in card and "50.0%" in card and "↑" in card and "change-good" in card
    assert "100.0%" not in section  # street A1b's figure
    assert "/dashboard/" in section
    # The admin's own content is still there.
    assert 'id="content-main"' in html


def test_admin_index_without_dashboard_permission_has_no_cards(client, numbers):
    client.force_login(numbers.users["grid_worker"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'id="headline-cards"' not in response.content.decode()
