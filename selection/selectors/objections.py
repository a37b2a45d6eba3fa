"""Objections as their filer and the public see them, with every version of the answer."""

from django.db.models import Prefetch, QuerySet

from ..models import Campaign, Objection, ObjectionAnswer


def _with_answers(qs: QuerySet[Objection]) -> QuerySet[Objection]:
    return qs.select_related("campaign", "recommendation__course", "recommendation__organisation").prefetch_related(
        Prefetch("answers", queryset=ObjectionAnswer.objects.select_related("actor").order_by("created_at", "id"))
    )


def objections_filed_by(*, user) -> QuerySet[Objection]:
    """The objections the user filed (我的异议), newest first, with every answer given."""
    return _with_answers(Objection.objects.filter(filed_by=user)).order_by("-created_at", "-id")


def objections_with_answers(*, campaign: Campaign) -> QuerySet[Objection]:
    """Every objection of a campaign with its answer versions: the association's view."""
    return _with_answers(campaign.objections.select_related("filed_by", "answered_by")).order_by("created_at", "id")


def public_objection_answers(*, campaign: Campaign) -> list[Objection]:
    """Answers are public once the results are published, not before (the filer sees them on 我的异议
    as soon as they are given)."""
    if not campaign.is_published:
        return []
    return list(_with_answers(campaign.objections.filter(answered_at__isnull=False)).order_by("created_at", "id"))
