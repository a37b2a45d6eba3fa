"""Reads of the hour ledger, split by concept; everything is importable as `credits.selectors.<name>`.

- `compliance`: the yearly rule, compliance, rosters, reports, certificates
- `queues`: where each pending record is decided; what a city bureau may audit
- `requirements`: mandatory learning set by departments and cities
"""

from .compliance import (
    ZERO,
    Compliance,
    Figures,
    NoPolicyError,
    RateRow,
    annual_hours_requirement,
    certificate_by_code,
    compliance_by_city,
    compliance_by_employer,
    compliance_for,
    compliant_condition,
    conversion_rules_for,
    current_certificate,
    departments_of,
    ledger_sum,
    policy_for,
    public_courses_for_gap,
    records_for,
    roster,
    staff_memberships,
    years_with_policy,
)
from .queues import auditable_records, records_decidable_by
from .requirements import (
    RequirementLine,
    RequirementRate,
    annotate_requirements,
    requirement_lines,
    requirement_rates,
    requirement_scope,
    requirements_for_employer,
    requirements_of_year,
    requirements_set_by,
    row_requirement_lines,
)

__all__ = [
    "ZERO",
    "Compliance",
    "Figures",
    "NoPolicyError",
    "RateRow",
    "RequirementLine",
    "RequirementRate",
    "annotate_requirements",
    "annual_hours_requirement",
    "auditable_records",
    "certificate_by_code",
    "compliance_by_city",
    "compliance_by_employer",
    "compliance_for",
    "compliant_condition",
    "conversion_rules_for",
    "current_certificate",
    "departments_of",
    "ledger_sum",
    "policy_for",
    "public_courses_for_gap",
    "records_decidable_by",
    "records_for",
    "requirement_lines",
    "requirement_rates",
    "requirement_scope",
    "requirements_for_employer",
    "requirements_of_year",
    "requirements_set_by",
    "roster",
    "row_requirement_lines",
    "staff_memberships",
    "years_with_policy",
]
