"""An employer's staff as people: the roster's summary figures, and one person's records for
those who oversee their employer (the `credits.view_organisation_compliance` rule)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef

from accounts.models import Membership, Organisation, Role

from ..models import HourRecord
from .compliance import roster


@dataclass(frozen=True)
class RosterSummary:
    staff: int
    compliant: int
    # Staff with at least one record of the year waiting for a decision.
    pending: int

    @property
    def non_compliant(self) -> int:
        return self.staff - self.compliant

    @property
    def rate(self) -> Decimal | None:
        """达标率 as a fraction (the `percent` filter shows it); None when there is nobody to count."""
        if not self.staff:
            return None
        return Decimal(self.compliant) / Decimal(self.staff)


def roster_summary(*, organisation_id: int, year: int, requirements) -> RosterSummary:
    """The whole staff of the year, whatever the page's filters: the same rows and the same
    compliance as `roster` (requirements binding when the policy says so), counted in one query
    after the policy read."""
    rows = roster(organisation_id=organisation_id, year=year, requirements=requirements)
    waiting = HourRecord.objects.pending().filter(professional_id=OuterRef("user_id"), year=year)
    groups = (
        rows.annotate(has_pending=Exists(waiting)).order_by().values("compliant", "has_pending").annotate(n=Count("id"))
    )
    staff = compliant = pending = 0
    for group in groups:  # at most four: (compliant or not) x (with pending or not)
        staff += group["n"]
        compliant += group["n"] if group["compliant"] else 0
        pending += group["n"] if group["has_pending"] else 0
    return RosterSummary(staff=staff, compliant=compliant, pending=pending)


def staff_member_visible_to(*, user, membership_id: int) -> Membership | None:
    """A person on an employer's active staff, for a user who may see that employer's compliance
    (its own admin, the bureau of its city, the province); None for anyone else, so the page
    answers 404 alike for "no such person" and "not yours"."""
    membership = (
        Membership.objects.active()
        .filter(pk=membership_id, role=Role.PROFESSIONAL, organisation__kind=Organisation.Kind.EMPLOYER)
        .select_related("user", "organisation")
        .first()
    )
    if membership is None or not user.has_perm("credits.view_organisation_compliance", membership.organisation):
        return None
    return membership
