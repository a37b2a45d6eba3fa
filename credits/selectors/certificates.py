"""The professional's certificate page: each year with an hour policy, whether it can be certified,
and what is still missing where it cannot. A read: it never issues a certificate."""

from dataclasses import dataclass

from django.utils import timezone

from ..models import HoursCertificate, YearPolicy, YearSummary
from .compliance import ZERO, Compliance, compliance_with, shows_compliance
from .requirements import requirement_lines


@dataclass(frozen=True)
class CertificateYear:
    year: int
    compliance: Compliance
    # The year's current certificate (`compliance.shows_compliance`), None if none is.
    certificate: HoursCertificate | None

    @property
    def extra_missing(self):
        """Hours of any kind still needed once both categories' minimums are met."""
        missing = self.compliance.missing
        return max(ZERO, missing.total - missing.public - missing.professional)


def certificate_years(*, user) -> list[CertificateYear]:
    """Every year with a policy up to this one, newest first, with the person's compliance
    (`compliance_with`, as every page answers it) and the year's current certificate.
    Three queries (policies, the person's summaries, their unsuperseded certificates), plus one
    per year whose policy makes departments' and cities' requirements binding."""
    policies = list(YearPolicy.objects.filter(year__lte=timezone.localdate().year).order_by("-year"))
    summaries = {s.year: s for s in YearSummary.objects.filter(professional=user)}
    latest: dict[int, HoursCertificate] = {}
    certificates = HoursCertificate.objects.filter(professional=user, superseded_at__isnull=True)
    for certificate in certificates.order_by("issued_at", "id"):
        latest[certificate.year] = certificate
    rows = []
    for policy in policies:
        summary = summaries.get(policy.year)
        lines = requirement_lines(user=user, year=policy.year) if policy.mandatory_binding else []
        compliance = compliance_with(
            policy=policy,
            public=summary.public_hours if summary else ZERO,
            professional=summary.professional_hours if summary else ZERO,
            lines=lines,
        )
        certificate = latest.get(policy.year)
        if certificate and not shows_compliance(certificate, compliance):
            certificate = None
        rows.append(CertificateYear(year=policy.year, compliance=compliance, certificate=certificate))
    return rows
