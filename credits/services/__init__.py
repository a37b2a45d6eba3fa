"""Writes to the hour ledger. Every change to approved hours happens in these modules, in one
transaction with the matching change to `YearSummary` (rows locked with select_for_update).

- `ledger`: parsing hours, inserting records, summary maintenance
- `rows`, `rights`, `calendar`: a row's types, who may credit what to whom, which year hours count for
- `intake`: platform and CE-base completions (API, bulk, Excel); `self_report`: professionals' own hours
- `imports`: the record kept of each Excel upload
- `decisions`: employer approval/rejection, city bureau audit reversal
- `requirements`: departments' and cities' mandatory learning
- `interfaces`: teaching credit and certificates, called by the selection and documents apps
"""

from .calendar import hours_count_in_year_completed, registration_deadline, year_is_closed
from .decisions import SentToCityBureau, approve_record, reject_record, reverse_record
from .imports import log_hours_import
from .intake import MAX_BULK_ROWS, BulkRejected, RowError, record_platform_hours
from .interfaces import (
    credit_late_teaching,
    credit_teaching,
    issue_certificate,
    reverse_teaching_credit,
    teaching_credit_hours,
    teaching_year_closed,
)
from .ledger import MAX_RECORD_HOURS, parse_hours, rebuild_summaries
from .requirements import remove_requirement, set_requirement
from .rights import NOT_IN_SCOPE, platform_organisation_of
from .self_report import resubmission_refusal, resubmit_self_report, self_report_hours

__all__ = [
    "MAX_BULK_ROWS",
    "MAX_RECORD_HOURS",
    "NOT_IN_SCOPE",
    "BulkRejected",
    "RowError",
    "SentToCityBureau",
    "approve_record",
    "credit_late_teaching",
    "credit_teaching",
    "hours_count_in_year_completed",
    "issue_certificate",
    "log_hours_import",
    "parse_hours",
    "platform_organisation_of",
    "rebuild_summaries",
    "record_platform_hours",
    "registration_deadline",
    "reject_record",
    "remove_requirement",
    "resubmission_refusal",
    "resubmit_self_report",
    "reverse_record",
    "reverse_teaching_credit",
    "self_report_hours",
    "set_requirement",
    "teaching_credit_hours",
    "teaching_year_closed",
    "year_is_closed",
]
