"""An employer's staff as people: one person's records for those who oversee their employer
(the `credits.view_organisation_compliance` rule). The roster's summary figures are
`compliance.roster_summary` (read from the rollups)."""

from accounts.models import Membership, Organisation, Role


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
