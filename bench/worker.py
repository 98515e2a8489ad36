"""Measurements run in a child process of ``bench.run`` (one database per process):

    python -m bench.worker recompute|lowerbound|incremental|session

Each prints one JSON object on its last line. ``recompute`` also reports the process's
peak resident memory (ru_maxrss), the metric task's peak memory: so each measurement
imports, after ``django.setup()``, only what it measures (the imports marked
``# noqa: PLC0415  (measured)``).
"""

import json
import os
import resource
import sys
import time

MONTHS_SQL = ("2025-12-01", "2026-11-30")


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django  # noqa: PLC0415  (measured)

    django.setup()


def recompute() -> dict:
    from django.db import connection  # noqa: PLC0415  (measured)

    from bench.year import AS_OF, month_starts  # noqa: PLC0415  (measured)
    from communities.metrics.writer import refresh_months  # noqa: PLC0415  (measured)

    started = time.perf_counter()
    rows = refresh_months(month_starts(), as_of=AS_OF)
    seconds = time.perf_counter() - started
    # Dead row versions cleared and planner statistics fresh for what is measured next:
    # autovacuum's job in service (this benchmark's PostgreSQL may run without it).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE communities_metricsnapshot")
    return {"seconds": seconds, "compound_rows": rows}


# The lower bound: per family, one query reading the year's rows once.
LOWER_BOUND = {
    "fee": """
        SELECT b.compound_id, date_trunc('month', b.period_start),
               SUM(b.amount_due - b.amount_waived)
        FROM properties_feebill b WHERE b.period_start BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2""",
    "fee_paid": """
        SELECT p.compound_id, date_trunc('month', b.period_start),
               SUM(p.amount) FILTER (WHERE p.voided_at IS NULL AND p.paid_at <= %(as_of)s)
        FROM properties_payment p JOIN properties_feebill b ON b.id = p.bill_id
        WHERE b.period_start BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2""",
    "complaints": """
        SELECT compound_id, date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai'),
               COUNT(*) FILTER (WHERE status <> 'rejected'),
               COUNT(*) FILTER (WHERE status <> 'rejected' AND accepted_at <= response_deadline),
               COUNT(*) FILTER (WHERE status IN ('resolved', 'closed')),
               COUNT(*) FILTER (WHERE resident_resolved IS NOT NULL),
               COUNT(*) FILTER (WHERE resident_resolved),
               COUNT(*) FILTER (WHERE status IN ('resolved', 'closed')
                                AND resolved_at <= resolve_deadline),
               COUNT(*) FILTER (WHERE satisfaction <> ''),
               COUNT(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied')),
               SUM(resolved_at - received_at) FILTER (WHERE status IN ('resolved', 'closed'))
        FROM complaints_complaint
        WHERE received_at >= %(first)s::date AT TIME ZONE 'Asia/Shanghai'
          AND received_at < (%(last)s::date + 1) AT TIME ZONE 'Asia/Shanghai'
        GROUP BY 1, 2""",
    "disclosure": """
        SELECT c.compound_id, m.month, COUNT(DISTINCT d.item)
        FROM generate_series(%(first)s::date, %(last)s::date, '1 month') AS m(month)
        JOIN properties_servicecontract c ON c.start_date <= m.month + interval '1 month - 1 day'
             AND (c.end_date IS NULL OR c.end_date >= m.month + interval '1 month - 1 day')
        LEFT JOIN properties_disclosure d ON d.compound_id = c.compound_id
             AND d.published_at < m.month + interval '1 month'
        GROUP BY 1, 2""",
    "fulfilment": """
        SELECT i.compound_id, date_trunc('month', i.date), COUNT(*),
               COUNT(*) FILTER (WHERE it.passed)
        FROM properties_inspection i JOIN properties_inspectionitem it
             ON it.inspection_id = i.id
        WHERE i.date BETWEEN %(first)s AND %(last)s
        GROUP BY 1, 2""",
}


def lowerbound() -> dict:
    from django.db import connection  # noqa: PLC0415  (measured)

    from bench.year import AS_OF  # noqa: PLC0415  (measured)

    params = {"first": MONTHS_SQL[0], "last": MONTHS_SQL[1], "as_of": AS_OF}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in LOWER_BOUND.values():
            cursor.execute(sql, params)
            cursor.fetchall()
    return {"seconds": time.perf_counter() - started}


def incremental() -> dict:
    """One complaint gets its follow-up answers (as the service would: row + dirty
    mark in one transaction), then the incremental refresh runs."""
    from django.db import transaction  # noqa: PLC0415  (measured)

    from communities.metrics.writer import mark_dirty, refresh_dirty  # noqa: PLC0415  (measured)
    from complaints.models import Complaint  # noqa: PLC0415  (measured)

    with transaction.atomic():
        complaint = (Complaint.objects.select_for_update()
                     .filter(status="closed").order_by("-id").first())
        complaint.satisfaction = "satisfied"
        complaint.resident_resolved = True
        complaint.version += 1
        complaint.save(update_fields=["satisfaction", "resident_resolved", "version",
                                      "updated_at"])
        mark_dirty(compound_id=complaint.compound_id, when=complaint.received_at)
    started = time.perf_counter()
    marks = refresh_dirty()
    return {"seconds": time.perf_counter() - started, "marks": marks}


def session() -> dict:
    """A logged-in superuser session, a complaint to track, a compound to submit to."""
    from django.conf import settings  # noqa: PLC0415  (measured)
    from django.contrib.auth import (  # noqa: PLC0415  (measured)
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415  (measured)

    from complaints.models import Category, Complaint  # noqa: PLC0415  (measured)

    user, created = get_user_model().objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    staff = SessionStore()
    staff[SESSION_KEY] = str(user.pk)
    staff[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    staff[HASH_SESSION_KEY] = user.get_session_auth_hash()
    staff.create()
    complaint = Complaint.objects.order_by("id").first()
    resident = SessionStore()
    resident["complaints_tracked"] = [complaint.pk]
    resident.create()
    category = Category.objects.filter(children__isnull=True, parent__isnull=False).first()
    return {
        "staff_cookie": staff.session_key, "resident_cookie": resident.session_key,
        "cookie_name": settings.SESSION_COOKIE_NAME, "tracking_code": complaint.tracking_code,
        "compound_id": complaint.compound_id, "category_id": category.pk,
    }


if __name__ == "__main__":
    _setup()
    task = sys.argv[1]
    result = {"recompute": recompute, "lowerbound": lowerbound, "incremental": incremental,
              "session": session}[task]()
    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))
