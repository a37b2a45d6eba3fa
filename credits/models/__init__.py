"""The hour ledger: yearly policies, append-only hour records, per-year summaries, certificates,
mandatory learning and the per-employer / per-city yearly rollups the reports read.

Split by concept; every model is importable as `credits.models.<Name>`."""

from .imports import HoursImport
from .ledger import HourRecord, HourRecordQuerySet, ImmutableRecordError
from .policy import ConversionRule, YearPolicy
from .requirements import Requirement
from .rollups import CityYearRollup, EmployerYearRollup, StaffYearStatus
from .summaries import HoursCertificate, YearSummary

__all__ = [
    "CityYearRollup",
    "ConversionRule",
    "EmployerYearRollup",
    "HourRecord",
    "HourRecordQuerySet",
    "HoursCertificate",
    "HoursImport",
    "ImmutableRecordError",
    "Requirement",
    "StaffYearStatus",
    "YearPolicy",
    "YearSummary",
]
