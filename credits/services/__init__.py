"""Writes to the hour ledger. Every change to approved hours happens in these modules, in one
transaction with the matching change to `YearSummary` (rows locked with select_for_update).

- `ledger`: parsing hours, inserting records, summary maintenance
- `intake`: platform completions (API, bulk, Excel) and self-reports
- `decisions`: employer approval/rejection, city bureau audit reversal
- `interfaces`: teaching credit and certificates, called by the selection and documents apps
"""

from .decisions import approve_record, reject_record, reverse_record
from .intake import (
    MAX_BULK_ROWS,
    BulkRejected,
    RowError,
    platform_organisation_of,
    record_platform_hours,
    self_report_hours,
)
from .interfaces import credit_teaching, issue_certificate, teaching_credit_hours
from .ledger import MAX_RECORD_HOURS, parse_hours, rebuild_summaries

__all__ = [
    "MAX_BULK_ROWS",
    "MAX_RECORD_HOURS",
    "BulkRejected",
    "RowError",
    "approve_record",
    "credit_teaching",
    "issue_certificate",
    "parse_hours",
    "platform_organisation_of",
    "rebuild_summaries",
    "record_platform_hours",
    "reject_record",
    "reverse_record",
    "self_report_hours",
    "teaching_credit_hours",
]
