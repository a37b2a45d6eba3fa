"""The versions of a self-report: a returned one corrected and sent again is a new record
(credits.services.resubmit_self_report); every version stays, with its decision and reason."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from ..models import HourRecord


def version_chains(*, records) -> dict[int, list[HourRecord]]:
    """Every version of each chain one of `records` belongs to, oldest first, keyed by the chain's
    first record (one query for a page, none when no record on it was ever sent again)."""
    roots = {r.first_version_id or r.pk for r in records if r.first_version_id or _may_have_versions(r)}
    if not roots:
        return {}
    years = {r.year for r in records}
    chains = defaultdict(list)
    versions = (
        HourRecord.objects.filter(Q(pk__in=roots) | Q(first_version_id__in=roots), year__in=years)
        .select_related("recorded_by", "conversion_rule")
        .order_by("version", "id")
    )
    for version in versions:
        chains[version.first_version_id or version.pk].append(version)
    return dict(chains)


def _may_have_versions(record: HourRecord) -> bool:
    # A first version has later ones only if it was returned.
    return record.source == HourRecord.Source.SELF_REPORTED and record.status == HourRecord.Status.REJECTED


def attach_earlier_versions(records) -> None:
    """Sets `earlier_versions` on each record: the versions before it, oldest first ([] for a first
    version). For the review queues, where only the current (pending) version is listed."""
    records = list(records)
    chains = version_chains(records=[r for r in records if r.first_version_id])
    for record in records:
        chain = chains.get(record.first_version_id, []) if record.first_version_id else []
        record.earlier_versions = [v for v in chain if v.version < record.version]


def self_reports_of(*, user) -> QuerySet[HourRecord]:
    """A person's own self-reports, every year and version (the only ones they may open or send again)."""
    return HourRecord.objects.filter(professional=user, source=HourRecord.Source.SELF_REPORTED).select_related(
        "recorded_by", "conversion_rule"
    )
