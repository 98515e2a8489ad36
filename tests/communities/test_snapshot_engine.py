"""The snapshot writer: compound rows, ratio-of-sums roll-ups, splits, incremental = full."""

import datetime
from decimal import Decimal

import pytest

from communities.metrics import families as metric_families
from communities.metrics import writer as snapshots
from communities.models import DirtyCompoundMonth, MetricSnapshot
from communities.tasks import recompute_family
from core.bulk import pg_text

pytestmark = pytest.mark.django_db
MONTH = datetime.date(2026, 10, 1)


@pytest.fixture
def fake_family(monkeypatch, world):
    """fee_collection_rate with figures held in a dict the test edits."""
    figures = {}

    def compute(period, as_of, compound_ids):
        return {
            (pk, code): value for (pk, code), value in figures.items()
            if compound_ids is None or pk in compound_ids
        }

    family = metric_families.MetricFamily.per_month("fake", ("fee_collection_rate",), compute)
    monkeypatch.setattr(metric_families, "_FAMILIES", {"fake": family})
    monkeypatch.setattr(metric_families, "_CONTEXT", [])
    # Creating the world's compounds marked their months: start from none.
    DirtyCompoundMonth.objects.all().delete()
    return figures


def _value(level, scope_id, dimension="", dimension_value=""):
    return MetricSnapshot.objects.get(
        metric="fee_collection_rate", period=MONTH, scope_level=level, scope_id=scope_id,
        dimension=dimension, dimension_value=dimension_value,
    )


def test_rollup_is_ratio_of_sums_not_mean_of_rates(world, fake_family):
    a1a, a1b = world.compounds["A1a-c-p"], world.compounds["A1b-c-p"]
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("90"), Decimal("100"))  # 90 %
    fake_family[(a1b.pk, "fee_collection_rate")] = (Decimal("10"), Decimal("900"))  # 1.1 %
    snapshots.refresh_month(period=MONTH)
    district = _value("district", world.districts["A1"].pk)
    # (90 + 10) / (100 + 900) = 10 %, not the mean of 90 % and 1.1 %
    assert (district.numerator, district.denominator) == (Decimal("100"), Decimal("1000"))
    assert district.value == Decimal("0.1000")
    assert _value("compound", a1a.pk).value == Decimal("0.9000")
    by_mode = _value("district", world.districts["A1"].pk, "mode", "none")
    assert by_mode.value == Decimal("0.1000")


def test_zero_denominator_is_no_data(world, fake_family):
    snapshots.refresh_month(period=MONTH)
    row = _value("compound", world.compounds["B1a-c-p"].pk)
    assert row.denominator == 0 and row.value is None
    assert _value("city", world.cities["B"].pk).value is None


def test_running_twice_gives_identical_rows(world, fake_family):
    fake_family[(world.compounds["A1a-c-p"].pk, "fee_collection_rate")] = (
        Decimal("3"), Decimal("4"),
    )
    snapshots.refresh_month(period=MONTH)
    first = set(MetricSnapshot.objects.values_list(
        "scope_level", "scope_id", "dimension", "dimension_value", "numerator", "denominator",
        "value",
    ))
    snapshots.refresh_month(period=MONTH)
    second = set(MetricSnapshot.objects.values_list(
        "scope_level", "scope_id", "dimension", "dimension_value", "numerator", "denominator",
        "value",
    ))
    assert first == second


def test_incremental_refresh_equals_full(world, fake_family):
    a1a = world.compounds["A1a-c-p"]
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("1"), Decimal("2"))
    snapshots.refresh_month(period=MONTH)
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("2"), Decimal("2"))
    snapshots.mark_dirty(compound_id=a1a.pk, when=MONTH)
    assert snapshots.refresh_dirty() == 1
    assert DirtyCompoundMonth.objects.count() == 0
    incremental = set(MetricSnapshot.objects.values_list(
        "scope_level", "scope_id", "dimension", "dimension_value", "numerator", "denominator",
    ))
    snapshots.refresh_month(period=MONTH)
    full = set(MetricSnapshot.objects.values_list(
        "scope_level", "scope_id", "dimension", "dimension_value", "numerator", "denominator",
    ))
    assert incremental == full
    assert _value("city", world.cities["A"].pk).value == Decimal("1.0000")


def test_recent_months_end_with_the_current_month():
    months = snapshots.recent_months(13, today=datetime.date(2026, 11, 24))
    assert months[0] == datetime.date(2025, 11, 1) and months[-1] == datetime.date(2026, 11, 1)
    assert len(months) == 13


def test_family_task_recomputes_only_its_family(world, fake_family, monkeypatch):
    other = metric_families.MetricFamily.per_month(
        "other", ("disclosure_rate",), lambda period, as_of, ids: {}
    )
    monkeypatch.setitem(metric_families._FAMILIES, "other", other)
    fake_family[(world.compounds["A1a-c-p"].pk, "fee_collection_rate")] = (
        Decimal("1"), Decimal("2"),
    )
    periods = recompute_family.delay("fake", months=2).get()
    assert len(periods) == 2
    assert MetricSnapshot.objects.filter(metric="fee_collection_rate").exists()
    assert not MetricSnapshot.objects.filter(metric="disclosure_rate").exists()


def _rows():
    return {
        (r.scope_level, r.scope_id, r.dimension, r.dimension_value): r
        for r in MetricSnapshot.objects.filter(metric="fee_collection_rate", period=MONTH)
    }


def test_full_recompute_writes_only_what_changed(world, fake_family):
    """Unchanged rows are left as they are (same id, same computed_at); a changed compound
    rewrites its row and its ancestors' rows, nothing else."""
    a1a, b1a = world.compounds["A1a-c-p"], world.compounds["B1a-c-p"]
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("1"), Decimal("2"))
    fake_family[(b1a.pk, "fee_collection_rate")] = (Decimal("5"), Decimal("10"))
    snapshots.refresh_month(period=MONTH)
    before = _rows()
    snapshots.refresh_month(period=MONTH)
    assert {k: (r.pk, r.computed_at) for k, r in _rows().items()} == {
        k: (r.pk, r.computed_at) for k, r in before.items()}

    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("2"), Decimal("2"))
    snapshots.refresh_month(period=MONTH)
    after = _rows()
    rewritten = {k for k in after if after[k].pk != before[k].pk}
    assert ("compound", a1a.pk, "", "") in rewritten
    assert ("city", world.cities["A"].pk, "", "") in rewritten
    assert ("compound", b1a.pk, "", "") not in rewritten
    assert ("city", world.cities["B"].pk, "", "") not in rewritten
    assert after[("city", world.cities["A"].pk, "", "")].value == Decimal("1.0000")


def test_incremental_refresh_moves_ancestors_by_differences(world, fake_family,
                                                            django_assert_max_num_queries):
    """One dirty compound: its ancestors change by its difference, in a number of queries
    that does not depend on how many compounds the city has."""
    a1a, a1b = world.compounds["A1a-c-p"], world.compounds["A1b-c-p"]
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("1"), Decimal("4"))
    fake_family[(a1b.pk, "fee_collection_rate")] = (Decimal("1"), Decimal("4"))
    snapshots.refresh_month(period=MONTH)
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("4"), Decimal("4"))
    snapshots.mark_dirty(compound_id=a1a.pk, when=MONTH)
    with django_assert_max_num_queries(14):
        snapshots.refresh_dirty()
    city = _value("city", world.cities["A"].pk)
    assert (city.numerator, city.denominator) == (Decimal("5"), Decimal("8"))
    by_mode = _value("district", world.districts["A1"].pk, "mode", a1a.management_mode)
    assert by_mode.numerator >= Decimal("4")


def test_compound_changing_mode_moves_between_mode_rows(world, fake_family, monkeypatch):
    """A compound whose mode changed leaves its old mode's roll-up and joins the new one's
    (the ancestors concerned are summed again, not moved by differences)."""
    a1a = world.compounds["A1a-c-p"]
    modes = {a1a.pk: ("market", None)}
    monkeypatch.setattr(metric_families, "_CONTEXT",
                        [lambda period, ids: {k: v for k, v in modes.items()
                                              if ids is None or k in ids}])
    fake_family[(a1a.pk, "fee_collection_rate")] = (Decimal("3"), Decimal("4"))
    snapshots.refresh_month(period=MONTH)
    district = world.districts["A1"].pk
    assert _value("district", district, "mode", "market").numerator == Decimal("3")
    modes[a1a.pk] = ("community_led", None)
    snapshots.mark_dirty(compound_id=a1a.pk, when=MONTH)
    snapshots.refresh_dirty()
    assert _value("district", district, "mode", "community_led").numerator == Decimal("3")
    assert not MetricSnapshot.objects.filter(
        metric="fee_collection_rate", period=MONTH, scope_level="district", scope_id=district,
        dimension="mode", dimension_value="market", numerator__gt=0).exists()


def test_copy_text_escapes_what_copy_would_misread():
    assert pg_text("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert pg_text(None) == "\\N" and pg_text(True) == "t" and pg_text(False) == "f"
    assert pg_text(Decimal("0.0000")) == "0.0000"
    assert pg_text(datetime.date(2026, 1, 1)) == "2026-01-01"
    assert pg_text({"k": "值"}) == '{"k": "值"}'
