"""Every write of the Party organisation ledgers. One function per use case; each checks
the actor's scope (and, for the 三审 review, the actor's role and the current step)."""

from .common import (  # noqa: F401
    FUTURE_TOLERANCE,
)
from .ledgers import (  # noqa: F401
    check_fund_allocation_amount,
    check_fund_spend,
    fund_allocation_create,
    fund_allocation_update,
    fund_spend,
    list_item_create,
    list_item_set_status,
    list_item_update,
    week_start,
    work_report_submit,
)
from .meetings import (  # noqa: F401
    action_item_add,
    action_item_set_status,
    action_item_update,
    check_action_item,
    check_joint_meeting,
    joint_meeting_record,
    joint_meeting_update,
)
from .organisations import (  # noqa: F401
    check_party_member,
    party_member_create,
    party_member_update,
    party_org_create,
    party_org_move,
    party_org_update,
)
from .points import (  # noqa: F401
    NEXT_STEP,
    check_demonstration_assessment,
    check_demonstration_point_apply,
    demonstration_assessment_record,
    demonstration_point_apply,
    demonstration_point_resubmit,
    demonstration_point_review,
    demonstration_point_update,
)
