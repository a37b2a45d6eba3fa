"""API v1 for the ledger (see shared/API.md), split by concept; credits/api_urls.py routes to these.

- `me`: me/hours/, a person's year with its gaps and plan
- `records`: hour-records/, the records one may see; a platform's completion or a self-report
- `bulk`: hour-records/bulk/, up to 10,000 completions at once
- `intake`: the per-unit rate limit, input row and refused-batch answer the two intakes share
- `decisions`: approving or rejecting a pending record
- `compliance`: an employer's staff with the year's figures
- `common`: the year parameter, the policy check, hours and records as the API writes them
"""

from .bulk import BulkResultSerializer, HourRecordBulkView
from .common import FiguresSerializer, HourRecordSerializer
from .compliance import ComplianceRowSerializer, OrganisationComplianceView, compliance_row
from .decisions import DecisionSerializer, HourRecordDecisionView
from .intake import HourRecordInputSerializer, IntakeThrottle, IntakeThrottled
from .me import MeHoursSerializer, MeHoursView
from .records import HourRecordListCreateView

__all__ = [
    "BulkResultSerializer",
    "ComplianceRowSerializer",
    "DecisionSerializer",
    "FiguresSerializer",
    "HourRecordBulkView",
    "HourRecordDecisionView",
    "HourRecordInputSerializer",
    "HourRecordListCreateView",
    "HourRecordSerializer",
    "IntakeThrottle",
    "IntakeThrottled",
    "MeHoursSerializer",
    "MeHoursView",
    "OrganisationComplianceView",
    "compliance_row",
]
