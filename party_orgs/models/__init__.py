"""The models of the Party organisation ledgers, by sub-domain; every name importable
from here."""

from .ledgers import (  # noqa: F401
    FundAllocation,
    FundKind,
    FundSpending,
    Infrastructure,
    ItemStatus,
    ListItem,
    ListKind,
    ReportKind,
    WorkReport,
)
from .meetings import (  # noqa: F401
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingKind,
)
from .organisations import (  # noqa: F401
    PATH_STEP,
    UNIT_LINK,
    MemberRole,
    OrgKind,
    OrgUnitType,
    PartyMember,
    PartyOrganization,
)
from .points import (  # noqa: F401
    FIVE_STANDARDS,
    SCORE_RANGE,
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    PointStatus,
    ReviewDecision,
    ReviewStep,
)
