"""An employer's staff as people: one person's records for those who oversee their employer
(the `credits.view_organisation_compliance` rule). The roster's summary figures are
`compliance.roster_summary` (read from the rollups)."""

from accounts.models import Membership, Organisation, Role


def employer_visible_to(*, user, organisation_id: int) -> Organisation | None:
    """THE access to an employer's roster, for its page, its export and the API alike: its own
    admins and the bureaus over it (the `credits.view_organisation_compliance` rule); None for any
    other organisation, so "not yours" answers the same as "not found"."""
    organisation = Organisation.objects.filter(pk=organisation_id, kind=Organisation.Kind.EMPLOYER).first()
    if organisation is None or not user.has_perm("credits.view_organisation_compliance", organisation):
        return None
    return organisation


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
