"""Hour pages, thin: services and selectors do the work."""

from .bureau import audit_records, city_report, province_report, reverse
from .employer import (
    decide,
    organisation_roster,
    organisation_roster_export,
    person_records,
    queue,
    roster,
    roster_export,
)
from .professional import certificate, certificates, my_hours, my_record, proof, resubmit, self_report, verify
from .requirements import requirement_remove, requirements
from .staff import import_records, import_template, policies, policy_edit

__all__ = [
    "audit_records",
    "certificate",
    "certificates",
    "city_report",
    "decide",
    "import_records",
    "import_template",
    "my_hours",
    "my_record",
    "organisation_roster",
    "organisation_roster_export",
    "person_records",
    "policies",
    "policy_edit",
    "proof",
    "province_report",
    "queue",
    "requirement_remove",
    "requirements",
    "resubmit",
    "reverse",
    "roster",
    "roster_export",
    "self_report",
    "verify",
]
