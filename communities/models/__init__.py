"""The models of the hierarchy app, by sub-domain; every name importable from here."""

from .api_clients import ApiClient, OtpEnrolmentCode  # noqa: F401
from .audit import (  # noqa: F401
    AuditAction,
    AuditEvent,
)
from .calendar import (  # noqa: F401
    CalendarDay,
    CalendarDayKind,
)
from .care import (  # noqa: F401
    VULNERABLE_SCOPE,
    FunctionRoom,
    FunctionRoomKind,
    Grid,
    GridWorker,
    GridWorkerRole,
    HalfDay,
    PatrolVisit,
    ServiceKind,
    ServiceRecord,
    ServiceSite,
    ServiceSiteKind,
    VulnerableGroup,
    VulnerableResident,
)
from .hierarchy import (  # noqa: F401
    NO_FIRM_MODES,
    RED_PROPERTY_MODES,
    Building,
    City,
    Community,
    Compound,
    District,
    GridDutyType,
    Household,
    ManagementMode,
    Street,
)
from .snapshots import (  # noqa: F401
    Dimension,
    DirtyCompoundMonth,
    MetricSnapshot,
    ScopeLevel,
)
from .staff import (  # noqa: F401
    NODE_FIELDS,
    ROLE_NODE_FIELD,
    StaffAccount,
    StaffAssignment,
    StaffProfile,
    StaffRole,
)
