"""Teaching credit follows the sealed evaluation: "按照课程课时的2倍计算授课教师年度继续教育学时".

Only teachers in the sealed snapshot of a selected course count, once per PERSON per course per
campaign (two teacher rows naming the same person give one credit), at 2 x the course's hours as
sealed, for the campaign's year. A teacher row counts through the account the person confirmed,
and only while it still names the sealed person (the same ID number, by its fingerprint; or the
same name when no number was sealed). `sync_teaching_credits` makes the ledger agree with that
set: it credits who is missing and reverses (audited) who no longer belongs, and is called at
publication, when a link is confirmed or withdrawn, and after a correction.

A closed year cannot take new hours except by a bureau's correction: such a credit is kept as
`TeachingCredit(status=pending)`, listed on the campaign page and the pending list, and written
as approved hours only when a bureau credits it (`late_teaching.credit_pending_teaching`).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import first_organisation_id
from accounts.services import audit
from courses.models import Course, Teacher
from credits.models import HourRecord
from credits.selectors import policy_for
from credits.services import credit_teaching, reverse_teaching_credit, teaching_credit_hours, teaching_year_closed

from ..exceptions import RuleBroken
from ..models import Campaign, Phase, ResultSnapshot, TeachingCredit
from ..selectors import sealed_snapshot
from .sealing import id_fingerprint

ACTIVE = (TeachingCredit.Status.CREDITED, TeachingCredit.Status.PENDING)


def association_of(actor) -> Organisation:
    """The association recording the teaching credit: the acting admin's unit, else the association."""
    org_id = first_organisation_id(actor, Role.ASSOCIATION_ADMIN) if actor is not None else None
    association = Organisation.objects.filter(pk=org_id).first() if org_id else None
    association = association or Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION).order_by("id").first()
    if association is None:
        raise RuleBroken(_("未找到山东省继续工程教育协会，无法登记授课学时。"), code="no_association")
    return association


def teaching_ref(*, year: int, recommendation_id: int, person_id: int, sequence: int = 0) -> str:
    """The ledger's external reference of one person's credit for one selected course: keyed on
    the person, not the teacher row; a credit given again after a reversal gets the next number."""
    ref = f"selection-{year}-{recommendation_id}-u{person_id}"
    return f"{ref}-{sequence}" if sequence else ref


def selected_teacher_ids(snapshot: ResultSnapshot) -> dict[int, list[dict]]:
    """Sealed teachers of each selected course: {recommendation: [sealed teacher, ...]}."""
    courses = {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}
    selected = snapshot.results.filter(selected=True).values_list("recommendation_id", flat=True)
    return {rec_id: courses[rec_id]["teachers"] for rec_id in selected}


def _still_sealed_person(sealed: dict, live: Teacher) -> bool:
    if not live.user_id:
        return False
    if sealed["id_fingerprint"]:
        return id_fingerprint(live.id_number) == sealed["id_fingerprint"]
    return "".join(live.name.split()) == "".join(sealed["name"].split())


def entitled(snapshot: ResultSnapshot) -> dict[tuple[int, int], int]:
    """{(recommendation, person): teacher row} for everyone the sealed snapshot credits now."""
    by_rec = selected_teacher_ids(snapshot)
    ids = {t["teacher"] for teachers in by_rec.values() for t in teachers}
    live = Teacher.objects.in_bulk(ids)
    result: dict[tuple[int, int], int] = {}
    for rec_id, teachers in sorted(by_rec.items()):
        for sealed in teachers:
            teacher = live.get(sealed["teacher"])
            if teacher is not None and _still_sealed_person(sealed, teacher):
                result.setdefault((rec_id, teacher.user_id), teacher.pk)
    return result


def _sealed_course(snapshot: ResultSnapshot, rec_id: int) -> dict:
    return next(c for c in snapshot.inputs["sealed"]["courses"] if c["recommendation"] == rec_id)


def _audit(*, event: str, credit: TeachingCredit, actor, cause: str, **data) -> None:
    audit(
        type=AuditEvent.Type.OTHER,
        actor=actor,
        target=credit.campaign,
        data={
            "event": event,
            "campaign": credit.campaign.year,
            "recommendation": credit.recommendation_id,
            "course": credit.recommendation.course_id,
            "teacher": credit.teacher_id,
            "person": credit.person_id,
            "hours": str(credit.hours),
            "cause": cause,
            **data,
        },
    )


def _end(*, credit: TeachingCredit, actor, cause: str) -> None:
    if credit.status == TeachingCredit.Status.CREDITED:
        reversal = reverse_teaching_credit(
            record=credit.record, actor=actor, reason=str(TeachingCredit.Cause(cause).label)
        )
        credit.reversal_id = reversal.pk
        credit.status = TeachingCredit.Status.REVERSED
    else:
        credit.status = TeachingCredit.Status.CANCELLED
    credit.ended_by = actor if getattr(actor, "is_authenticated", False) else None
    credit.end_cause = cause
    credit.ended_at = timezone.now()
    credit.save(update_fields=["reversal", "status", "ended_by", "end_cause", "ended_at"])
    _audit(event="teaching_credit_reversed", credit=credit, actor=actor, cause=cause, reversal=credit.reversal_id)


def _give(*, campaign, snapshot, rec_id: int, person_id: int, teacher_id: int, actor, cause: str) -> TeachingCredit:
    sealed = _sealed_course(snapshot, rec_id)
    earlier = TeachingCredit.objects.filter(campaign=campaign, recommendation_id=rec_id, person_id=person_id).count()
    credit = TeachingCredit(
        campaign=campaign,
        recommendation_id=rec_id,
        person_id=person_id,
        teacher_id=teacher_id,
        year=campaign.year,
        hours=Decimal("0"),
        cause=cause,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if teaching_year_closed(year=campaign.year):
        credit.hours = teaching_credit_hours(
            policy=policy_for(year=campaign.year), course_hours=Decimal(sealed["hours"])
        )
        credit.status = TeachingCredit.Status.PENDING
        credit.save()
        _audit(event="teaching_credit_pending", credit=credit, actor=actor, cause=cause)
        return credit
    record = credit_teaching(
        teacher_user=credit.person,
        course=Course.objects.get(pk=sealed["course"]),
        year=campaign.year,
        recorded_by=association_of(actor),
        external_ref=teaching_ref(year=campaign.year, recommendation_id=rec_id, person_id=person_id, sequence=earlier),
        actor=actor,
        course_hours=Decimal(sealed["hours"]),
        course_title=sealed["title"],
    )
    credit.record = record
    credit.hours = record.hours
    credit.status = TeachingCredit.Status.CREDITED
    credit.save()
    _audit(event="teaching_credited", credit=credit, actor=actor, cause=cause, record=record.pk)
    return credit


@transaction.atomic
def sync_teaching_credits(*, campaign: Campaign, actor=None, cause: str) -> list[TeachingCredit]:
    """Make the campaign's teaching credits agree with its sealed snapshot (published campaigns
    only); returns the credits given now. Idempotent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    snapshot = sealed_snapshot(campaign=campaign)
    if campaign.phase != Phase.PUBLISHED or snapshot is None:
        return []
    wanted = entitled(snapshot)
    hours = {rec_id: _sealed_course(snapshot, rec_id)["hours"] for rec_id, _person in wanted}
    active, declined = {}, set()
    for c in TeachingCredit.objects.filter(
        campaign=campaign, status__in=(*ACTIVE, TeachingCredit.Status.DECLINED)
    ).select_related("campaign", "recommendation", "record"):
        if c.status == TeachingCredit.Status.DECLINED:
            # The bureau declined this late credit: it is not offered again.
            declined.add((c.recommendation_id, c.person_id))
        else:
            active[(c.recommendation_id, c.person_id)] = c
    for key, credit in sorted(active.items()):
        if key not in wanted or _sealed_hours_changed(credit, hours.get(key[0])):
            _end(credit=credit, actor=actor, cause=cause)
            del active[key]
    return [
        _give(
            campaign=campaign,
            snapshot=snapshot,
            rec_id=rec_id,
            person_id=person_id,
            teacher_id=teacher_id,
            actor=actor,
            cause=cause,
        )
        for (rec_id, person_id), teacher_id in sorted(wanted.items())
        if (rec_id, person_id) not in active and (rec_id, person_id) not in declined
    ]


def _sealed_hours_changed(credit: TeachingCredit, sealed_hours: str | None) -> bool:
    """A correction changed the course's sealed hours: the credit is reversed and given again."""
    if sealed_hours is None:
        return False
    record: HourRecord | None = credit.record
    base = record.hours if record is not None else credit.hours
    return base != teaching_credit_hours(policy=policy_for(year=credit.year), course_hours=Decimal(sealed_hours))


def campaigns_sealing_teacher(*, teacher: Teacher) -> list[Campaign]:
    """Published campaigns whose sealed snapshot lists this teacher row for a selected course."""
    found = []
    for campaign in Campaign.objects.filter(phase=Phase.PUBLISHED).order_by("year"):
        snapshot = sealed_snapshot(campaign=campaign)
        if snapshot is not None and any(
            t["teacher"] == teacher.pk for teachers in selected_teacher_ids(snapshot).values() for t in teachers
        ):
            found.append(campaign)
    return found
