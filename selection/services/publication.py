"""Publication and its consequences for teachers: "按照课程课时的2倍计算授课教师年度继续教育学时。
相关课程的授课教师列入山东继续教育师资库，并由山东省继续工程教育协会颁发优秀师资特聘证书。"

A teacher is credited through the account the teacher confirmed as theirs (matched by ID number,
`courses.services.confirm_teacher_link`). Teachers without a confirmed account are listed for the
association with the reason, and credited once, automatically, when the link is confirmed later.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import first_organisation_id
from accounts.services import audit
from courses.models import Teacher
from credits.services import credit_teaching
from portal.deadlines import is_open

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, ExcellentTeacherCertificate, Phase, Result, ResultSnapshot, TeacherPoolEntry
from ..selectors import latest_snapshot
from .campaigns import move_phase


def _association_of(actor) -> Organisation:
    """The association recording the teaching credit: the publishing admin's unit."""
    org_id = first_organisation_id(actor, Role.ASSOCIATION_ADMIN) if actor is not None else None
    association = Organisation.objects.filter(pk=org_id).first() if org_id else None
    association = association or Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION).order_by("id").first()
    if association is None:
        raise RuleBroken(_("未找到山东省继续工程教育协会，无法登记授课学时。"), code="no_association")
    return association


def _certificate_number(campaign: Campaign, sequence: int) -> str:
    return f"SDCEE-{campaign.year}-{sequence:04d}"


def teaching_ref(*, year: int, recommendation_id: int, teacher_id: int) -> str:
    """The ledger's external reference of one teaching credit: the same at publication and for a
    deferred credit, so a teacher is credited once per selected course."""
    return f"selection-{year}-{recommendation_id}-{teacher_id}"


def check_may_publish(*, campaign: Campaign) -> None:
    """Publication needs confirmed results, the public notice (公示) period over and every
    objection answered."""
    if campaign.phase == Phase.PUBLISHED:
        raise AlreadyDone(_("结果已发布，不能重复发布。"), code="already_published")
    if campaign.phase != Phase.CONFIRMED:
        raise RuleBroken(_("结果尚未确认，不能发布。"), code="not_confirmed")
    if campaign.objection_end is None or is_open(deadline=campaign.objection_end):
        raise RuleBroken(_("结果公示期尚未结束，不能发布。"), code="objection_period_open")
    if campaign.objections.filter(answered_at__isnull=True).exists():
        raise RuleBroken(_("还有未答复的异议，请先逐一答复。"), code="objections_open")


def _credit(*, teacher: Teacher, result: Result, campaign: Campaign, association: Organisation, actor) -> None:
    credit_teaching(
        teacher_user=teacher.user,
        course=result.recommendation.course,
        year=campaign.year,
        recorded_by=association,
        external_ref=teaching_ref(
            year=campaign.year, recommendation_id=result.recommendation_id, teacher_id=teacher.pk
        ),
        actor=actor,
    )


@transaction.atomic
def publish_results(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """ "确定入选名单，并在山东省专业技术人员继续教育公共服务平台上公布、推广" and the consequences, in one
    transaction: teaching credit for teachers with a confirmed account, the teacher pool and the
    excellent-teacher certificates for every teacher of a selected course."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_may_publish(campaign=campaign)
    snapshot = latest_snapshot(campaign=campaign)
    selected = list(
        snapshot.results.filter(selected=True)
        .select_related("recommendation__course")
        .prefetch_related("recommendation__course__teachers__user")
        .order_by("rank", "id")
    )
    association = _association_of(actor)
    today = timezone.localdate()
    sequence = ExcellentTeacherCertificate.objects.filter(campaign=campaign).count()
    unmatched = 0
    for result in selected:
        course = result.recommendation.course
        for teacher in course.teachers.all():
            if teacher.user_id:
                _credit(teacher=teacher, result=result, campaign=campaign, association=association, actor=actor)
            else:
                unmatched += 1
            TeacherPoolEntry.objects.get_or_create(teacher=teacher, campaign=campaign, course=course)
            if not ExcellentTeacherCertificate.objects.filter(teacher=teacher, campaign=campaign).exists():
                sequence += 1
                ExcellentTeacherCertificate.objects.create(
                    teacher=teacher, campaign=campaign, number=_certificate_number(campaign, sequence), issued_on=today
                )
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["published_at"])
    move_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=actor, reason=reason)
    audit(
        type=AuditEvent.Type.RESULT_PUBLISHED,
        actor=actor,
        target=campaign,
        data={
            "year": campaign.year,
            "snapshot": snapshot.pk,
            "sha256": snapshot.sha256,
            "selected": len(selected),
            "teachers_unmatched": unmatched,
        },
    )
    return campaign


@transaction.atomic
def credit_linked_teacher(*, teacher: Teacher) -> int:
    """Deferred credit: a teacher of a course selected in a published year confirmed their account
    after publication; credit them now, once per selected course (the ledger's external reference
    is the one publication would have used). Returns the number of credits given."""
    if not teacher.user_id:
        return 0
    latest = ResultSnapshot.objects.filter(campaign=OuterRef("campaign")).order_by("-created_at", "-id")
    results = list(
        Result.objects.filter(
            selected=True,
            campaign__phase=Phase.PUBLISHED,
            recommendation__course__teachers=teacher,
        )
        .filter(snapshot=Subquery(latest.values("pk")[:1]))
        .select_related("campaign", "recommendation__course")
    )
    if not results:
        return 0
    association = _association_of(None)
    for result in results:
        _credit(teacher=teacher, result=result, campaign=result.campaign, association=association, actor=None)
        audit(
            type=AuditEvent.Type.OTHER,
            target=result.campaign,
            data={
                "event": "teaching_credit_deferred",
                "teacher": teacher.pk,
                "recommendation": result.recommendation_id,
            },
        )
    return len(results)
