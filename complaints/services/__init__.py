"""Every write to complaints, by sub-domain:

- ``intake``: a resident's submission and a request logged by staff;
- ``transitions``: each step of the state machine (``complaints.lifecycle``) and
  ``complaint_transition``, the one entry of the workbench and the API;
- ``sweep``: reminders, escalation and the automatic close (beat);
- ``timeline``: what every write does besides the change (version, timeline and audit
  event, photos, dirty metrics, the resident's text message).

Callers import ``complaints.services`` and use the names below.
"""

from ..lifecycle import LOG, MANAGE, WORK
from .intake import complaint_create, complaint_log
from .sweep import complaint_sweep_deadlines
from .transitions import (
    complaint_accept,
    complaint_add_progress,
    complaint_close,
    complaint_dispatch,
    complaint_mark_duplicate,
    complaint_record_feedback,
    complaint_reject,
    complaint_reopen,
    complaint_resolve,
    complaint_start,
    complaint_transition,
    dispatch_targets,
)

__all__ = [
    "LOG",
    "MANAGE",
    "WORK",
    "complaint_accept",
    "complaint_add_progress",
    "complaint_close",
    "complaint_create",
    "complaint_dispatch",
    "complaint_log",
    "complaint_mark_duplicate",
    "complaint_record_feedback",
    "complaint_reject",
    "complaint_reopen",
    "complaint_resolve",
    "complaint_start",
    "complaint_sweep_deadlines",
    "complaint_transition",
    "dispatch_targets",
]
