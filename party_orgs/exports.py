"""Excel ledgers (台账) with Chinese headers, each scoped to the user, streamed in chunks."""

from datetime import timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from communities import audit
from communities.access.scoping import scope_queryset
from communities.models import AuditAction, StaffRole
from communities.selectors import can_view_pii
from core.exports import xlsx_response
from core.timeutils import local_today
from core.validators import mask_phone

from . import selectors
from .models import FIVE_STANDARDS, ActionStatus, PartyMember, ReportKind

CHUNK = 2000


def organizations(user):
    orgs = selectors.organization_list(user=user)
    rows = (
        (
            "\u3000" * o.depth + o.name, o.get_kind_display(), o.get_unit_type_display(),
            o.community.name if o.community_id else "", o.firm.name if o.firm_id else "",
            o.unit_name, o.parent.name if o.parent_id else "", o.secretary_name,
            o.member_count,
        )
        for o in orgs.iterator(chunk_size=CHUNK)
    )
    headers = [_("name"), _("kind"), _("located in"), _("community"), _("property firm"),
               _("resident unit"), _("parent organisation"), _("secretary / leader"),
               _("members")]
    return xlsx_response(filename=_("Party organisations ledger") + ".xlsx",
                         sheet_title=_("Party organisations"), headers=headers, rows=rows)


def members(user):

    show_pii = can_view_pii(user)
    if show_pii:

        audit.record(action=AuditAction.PII_EXPORTED, actor=user,
                     object_type="party_orgs.partymember", place=audit.user_place(user),
                     changes={"fields": "phone"})
    qs = (
        scope_queryset(PartyMember.objects.select_related("organization"), user)
        .annotate(household_count=Count("households", distinct=True))
        .order_by("organization__path", "name")
    )
    rows = (
        (
            m.organization.name, m.name, m.phone if show_pii else mask_phone(m.phone),
            m.get_role_display(), m.joined_on, m.is_central_household, m.household_count,
            m.model_post, m.shows_identity, m.public_commitment,
        )
        for m in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("Party organisation"), _("name"), _("phone"), _("role"),
               _("joined the Party on"), _("Party-member central household"),
               _("households looked after"), _("model post"), _("shows Party identity"),
               _("public commitment")]
    return xlsx_response(filename=_("Party members ledger") + ".xlsx",
                         sheet_title=_("Party members"), headers=headers, rows=rows)


def meetings(user):
    qs = selectors.meeting_list(user=user)
    rows = (
        (
            m.community.name, m.get_kind_display(), m.held_at, m.title,
            "、".join(c.name for c in m.compounds.all()), m.owners_committee_present,
            m.attendees, m.topics, m.minutes, m.item_count, m.open_count,
        )
        for m in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("kind"), _("held at"), _("title"), _("compounds concerned"),
               _("owners' committee present"), _("attendees"), _("topics"), _("minutes"),
               _("decisions"), _("open decisions")]
    return xlsx_response(filename=_("joint meetings ledger") + ".xlsx",
                         sheet_title=_("joint meetings"), headers=headers, rows=rows)


def action_items(user):
    today = local_today()
    qs = selectors.action_item_list(user=user)
    rows = (
        (
            i.meeting.community.name, i.meeting.title, i.meeting.held_at, i.description,
            i.owner, i.due_date, i.get_status_display(), i.done_on,
            i.status != ActionStatus.DONE and i.due_date < today,
            "、".join(c.name for c in i.compounds.all()),
        )
        for i in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("joint meeting"), _("held at"), _("decision"), _("owner"),
               _("due date"), _("status"), _("done on"), _("overdue"),
               _("compounds concerned")]
    return xlsx_response(filename=_("action items ledger") + ".xlsx",
                         sheet_title=_("action items"), headers=headers, rows=rows)


def meeting_gaps(user):
    year = local_today().year
    gaps = selectors.three_party_meeting_gaps(user=user, year=year)
    rows = (
        (g["compound"].community.name, g["compound"].name, f"{g['year']}-{g['month']:02d}")
        for g in gaps
    )
    headers = [_("community"), _("compound"), _("month without a three-party meeting")]
    return xlsx_response(filename=_("missing three-party meetings") + ".xlsx",
                         sheet_title=_("missing meetings"), headers=headers, rows=rows)


def points(user):
    qs = selectors.point_list(user=user).annotate(
        assessment_count=Count("assessments", distinct=True)
    )
    rows = (
        (
            p.community.street.district.name, p.community.street.name, p.community.name,
            p.name, p.year, p.organization.name, p.get_status_display(), p.round,
            p.approved_on, p.cadre.get_full_name() or p.cadre.username if p.cadre_id else "",
            p.goals,
        )
        for p in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("district"), _("street"), _("community"), _("name"), _("year"),
               _("applying branch"), _("review status"), _("application round"),
               _("approved on"), _("assigned cadre"), _("goals")]
    return xlsx_response(filename=_("demonstration points ledger") + ".xlsx",
                         sheet_title=_("demonstration points"), headers=headers, rows=rows)


def reviews(user):
    qs = selectors.review_list(user=user)
    rows = (
        (
            r.point.community.name, r.point.name, r.point.year, r.round, r.get_step_display(),
            r.get_decision_display(), r.reviewer.get_full_name() or r.reviewer.username,
            _label_role(r.reviewer_role), r.comment, r.decided_at,
        )
        for r in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("demonstration point"), _("year"), _("application round"),
               _("step"), _("decision"), _("reviewer"), _("reviewer's role"), _("comment"),
               _("decided at")]
    return xlsx_response(filename=_("three-step review ledger") + ".xlsx",
                         sheet_title=_("review steps"), headers=headers, rows=rows)


def _label_role(role):

    return str(StaffRole(role).label) if role in StaffRole.values else role


def assessments(user):
    qs = selectors.assessment_list(user=user)
    rows = (
        (
            a.point.community.name, a.point.name, a.year,
            *[value for code, _l in FIVE_STANDARDS
              for value in (getattr(a, f"{code}_score"), getattr(a, f"{code}_evidence"))],
            a.total,
        )
        for a in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("demonstration point"), _("year")]
    for _code, label in FIVE_STANDARDS:
        headers += [label, _("evidence")]
    headers.append(_("total"))
    return xlsx_response(filename=_("five-standard assessments") + ".xlsx",
                         sheet_title=_("assessments"), headers=headers, rows=rows)


def reports(user):
    qs = selectors.report_list(user=user)
    rows = (
        (
            r.point.community.name, r.point.name, r.get_kind_display(), r.period_start,
            r.author.get_full_name() or r.author.username, r.submitted_at, r.content,
        )
        for r in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("demonstration point"), _("kind"), _("day / week from"),
               _("author"), _("submitted at"), _("content")]
    return xlsx_response(filename=_("work reports ledger") + ".xlsx",
                         sheet_title=_("work reports"), headers=headers, rows=rows)


def missing_reports(user):
    today = local_today()
    missing = selectors.missing_reports(user=user, start=today - timedelta(days=31))
    rows = (
        (m["point"].community.name, m["point"].name, _label_kind(m["kind"]), m["period"])
        for m in missing
    )
    headers = [_("community"), _("demonstration point"), _("kind"), _("day / week from")]
    return xlsx_response(filename=_("missing reports") + ".xlsx",
                         sheet_title=_("missing reports"), headers=headers, rows=rows)


def _label_kind(kind):

    return str(ReportKind(kind).label)


def lists(user):
    qs = selectors.list_item_list(user=user)
    rows = (
        (
            i.community.name, i.year, i.get_list_kind_display(), i.title,
            i.get_infrastructure_display() if i.infrastructure else "", i.get_status_display(),
            i.due_date, i.description,
        )
        for i in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("year"), _("list"), _("title"), _("infrastructure work"),
               _("status"), _("due date"), _("description")]
    return xlsx_response(filename=_("three lists ledger") + ".xlsx",
                         sheet_title=_("three lists"), headers=headers, rows=rows)


def funds(user):
    qs = selectors.spending_list(user=user)
    rows = (
        (
            s.allocation.community.name, s.allocation.year, s.allocation.get_kind_display(),
            s.allocation.amount, s.spent_on, s.amount, s.purpose,
            s.recorded_by.get_full_name() or s.recorded_by.username if s.recorded_by_id else "",
        )
        for s in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("year"), _("fund"), _("allocated (yuan)"), _("spent on"),
               _("amount (yuan)"), _("purpose"), _("recorded by")]
    return xlsx_response(filename=_("funds ledger") + ".xlsx", sheet_title=_("funds"),
                         headers=headers, rows=rows)


def allocations(user):
    qs = selectors.allocation_list(user=user)
    rows = (
        (a.community.name, a.year, a.get_kind_display(), a.amount, a.spent, a.remaining)
        for a in qs.iterator(chunk_size=CHUNK)
    )
    headers = [_("community"), _("year"), _("fund"), _("allocated (yuan)"), _("spent (yuan)"),
               _("remaining (yuan)")]
    return xlsx_response(filename=_("fund allocations") + ".xlsx",
                         sheet_title=_("allocations"), headers=headers, rows=rows)


# ledger slug -> (permission, builder)
LEDGERS = {
    "organizations": ("party_orgs.view_partyorganization", organizations),
    "members": ("party_orgs.view_partymember", members),
    "meetings": ("party_orgs.view_jointmeeting", meetings),
    "action-items": ("party_orgs.view_actionitem", action_items),
    "meeting-gaps": ("party_orgs.view_jointmeeting", meeting_gaps),
    "points": ("party_orgs.view_demonstrationpoint", points),
    "reviews": ("party_orgs.view_demonstrationreview", reviews),
    "assessments": ("party_orgs.view_demonstrationassessment", assessments),
    "reports": ("party_orgs.view_workreport", reports),
    "missing-reports": ("party_orgs.view_workreport", missing_reports),
    "lists": ("party_orgs.view_listitem", lists),
    "funds": ("party_orgs.view_fundspending", funds),
    "allocations": ("party_orgs.view_fundallocation", allocations),
}
