"""Fresh figures on every stack (issue 13 item 6): on the embedded default a committed
write refreshes its dirty compound-months right after commit (the same incremental code
as the beat task); with a beat (production) the marks wait for it. Creating a compound,
editing one in the admin, changing its declared households or moving it to another
community mark every month the snapshots keep. The dashboard says when its figures were
computed and flags figures older than the refresh interval allows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.metrics import writer as snapshots
from communities.metrics.writer import recent_months
from communities.models import Compound, DirtyCompoundMonth, MetricSnapshot
from communities.services import compound_create, compound_update
from complaints import services as complaint_services
from complaints.models import Category
from core.timeutils import local_today

pytestmark = pytest.mark.django_db
# Each service call commits (autocommit, as in a request): its after-commit work runs.
COMMITTED = pytest.mark.django_db(transaction=True)
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def embedded_default(settings):
    """The embedded default's refresh after commit (with no broker, CELERY_TASK_ALWAYS_EAGER
    turns it on); the test of the beat stack turns it off again."""
    settings.METRICS_REFRESH_AFTER_COMMIT = True


@pytest.fixture
def category(db):
    return Category.objects.create(code="noise", name="噪音扰民", hours_to_respond=12,
                                   days_to_resolve=3)


def _complaint(compound, category):
    return complaint_services.complaint_create(
        compound=compound, category=category, description="楼上装修噪音",
        reporter_phone=PHONE,
    )


def _rate(level, scope_id, period=None):
    period = period or local_today().replace(day=1)
    row = MetricSnapshot.objects.filter(metric="complaint_rate", period=period,
                                        scope_level=level, scope_id=scope_id,
                                        dimension="").first()
    return (row.numerator, row.denominator) if row else None


@COMMITTED
def test_on_the_embedded_default_a_committed_write_is_counted_at_once(
        world, category, settings):
    compound = world.compounds["A1a-c-p"]
    snapshots.refresh_month(period=local_today().replace(day=1))
    assert _rate("compound", compound.pk) == (0, 100)
    _complaint(compound, category)
    # No beat ran: the refresh after commit counted it, for the compound and its street.
    assert _rate("compound", compound.pk) == (1, 100)
    assert _rate("street", world.streets["A1a"].pk) == (1, 100)
    assert not DirtyCompoundMonth.objects.exists()


@COMMITTED
def test_with_a_beat_the_marks_wait_for_it(world, category, settings):
    settings.METRICS_REFRESH_AFTER_COMMIT = False  # production stack: the beat refreshes
    compound = world.compounds["A1a-c-p"]
    snapshots.refresh_month(period=local_today().replace(day=1))
    _complaint(compound, category)
    assert _rate("compound", compound.pk) == (0, 100)
    assert DirtyCompoundMonth.objects.filter(compound=compound).exists()
    snapshots.refresh_dirty()  # what the beat task runs every minute
    assert _rate("compound", compound.pk) == (1, 100)


@COMMITTED
def test_a_new_compound_enters_every_kept_month_at_once(world):
    months = recent_months(13)
    snapshots.refresh_months(months)
    street = world.streets["A1a"].pk
    assert _rate("street", street) == (0, 100)
    compound_create(community=world.communities["A1a-c"], name="新建小区",
                    declared_households=75, floor_area=Decimal("3000"))
    # 7/150 against 7/175 (issue 13): the new compound's households count everywhere.
    for month in (months[0], months[-1]):
        assert _rate("street", street, month) == (0, 175)
        assert _rate("city", world.cities["A"].pk, month) == (0, 375)


def test_households_and_moves_mark_every_kept_month(world, category, settings):
    settings.METRICS_REFRESH_AFTER_COMMIT = False
    compound = world.compounds["A1a-c-p"]
    DirtyCompoundMonth.objects.all().delete()
    compound_update(compound=compound, declared_households=120)
    assert set(DirtyCompoundMonth.objects.filter(compound=compound)
               .values_list("period", flat=True)) == set(recent_months(13))
    DirtyCompoundMonth.objects.all().delete()
    compound_update(compound=compound, name="改名小区")  # counts nothing: no mark
    assert not DirtyCompoundMonth.objects.exists()
    compound_update(compound=compound, community=world.communities["A1b-c"])
    assert DirtyCompoundMonth.objects.filter(compound=compound).count() == 13


@COMMITTED
def test_a_move_between_communities_moves_the_figures(world, category):
    compound = world.compounds["A1a-c-p"]
    _complaint(compound, category)
    snapshots.refresh_month(period=local_today().replace(day=1))
    a1a, a1b = world.streets["A1a"].pk, world.streets["A1b"].pk
    assert (_rate("street", a1a), _rate("street", a1b)) == ((1, 100), (0, 100))
    compound_update(compound=compound, community=world.communities["A1b-c"])
    # Street A1a has no compound left (no row: no data); A1b holds both.
    assert (_rate("street", a1a), _rate("street", a1b)) == (None, (1, 200))
    incremental = _all_rows()
    snapshots.refresh_month(period=local_today().replace(day=1))
    assert _all_rows() == incremental  # = a full recompute


def _all_rows():
    return set(MetricSnapshot.objects.values_list(
        "metric", "period", "scope_level", "scope_id", "dimension", "dimension_value",
        "numerator", "denominator", "value"))


@COMMITTED
def test_an_admin_edit_of_the_households_is_counted_at_once(world, client):
    compound = world.compounds["A1a-c-p"]
    snapshots.refresh_month(period=local_today().replace(day=1))
    client.force_login(world.users["superuser"])
    url = f"/admin/communities/compound/{compound.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: (form.initial.get(name) if form.initial.get(name) is not None else "")
            for name in form.fields}
    data.update(community=compound.community_id, declared_households=150,
                is_old_compound="")
    data = {k: v for k, v in data.items() if v not in (False, None)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Compound.objects.get(pk=compound.pk).declared_households == 150
    assert _rate("street", world.streets["A1a"].pk) == (0, 150)


def test_the_dashboard_says_when_and_flags_figures_left_behind(world, client, settings):
    settings.METRICS_REFRESH_AFTER_COMMIT = False
    compound = world.compounds["A1a-c-p"]
    period = local_today().replace(day=1)
    snapshots.refresh_month(period=period)
    DirtyCompoundMonth.objects.all().delete()
    client.force_login(world.users["street_staff"])
    query = {"period": f"{period:%Y-%m}"}
    html = client.get("/dashboard/", query).content.decode()
    assert "计算时间" in html and 'id="stale-figures"' not in html
    # A change waiting 10 minutes where the beat runs every minute: flagged.
    snapshots.mark_dirty(compound_id=compound.pk, when=timezone.now())
    DirtyCompoundMonth.objects.update(
        marked_at=timezone.now() - datetime.timedelta(minutes=10))
    html = client.get("/dashboard/", query).content.decode()
    assert 'id="stale-figures"' in html and "数据已过时" in html
    # Another street's page is not flagged for it.
    client.force_login(world.users["district_official"])
    html = client.get("/dashboard/", {**query, "level": "street",
                                      "unit": world.streets["A1b"].pk}).content.decode()
    assert 'id="stale-figures"' not in html
