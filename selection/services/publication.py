"""Publication and its consequences for teachers: "按照课程课时的2倍计算授课教师年度继续教育学时。
相关课程的授课教师列入山东继续教育师资库，并由山东省继续工程教育协会颁发优秀师资特聘证书。"

Everything here reads the sealed snapshot (made at confirmation), never the live course or
teacher rows: the pool and the certificates carry the names as sealed, and teaching credit goes
to the persons the snapshot names (`teaching.sync_teaching_credits`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit
from courses.models import Teacher
from portal.deadlines import is_open

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, ExcellentTeacherCertificate, Phase, TeacherPoolEntry, TeachingCredit
from ..selectors import sealed_snapshot
from .campaigns import move_phase
from .teaching import campaigns_sealing_teacher, entitled, selected_teacher_ids, sync_teaching_credits


def _certificate_number(campaign: Campaign, sequence: int) -> str:
    return f"SDCEE-{campaign.year}-{sequence:04d}"


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


def add_pool_and_certificates(*, campaign: Campaign, snapshot) -> None:
    """Each sealed teacher of a selected course joins the pool and gets a certificate, once, with
    the name and the course title as sealed."""
    courses = {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}
    ranked = dict(snapshot.results.filter(selected=True).values_list("recommendation_id", "rank"))
    by_rec = selected_teacher_ids(snapshot)
    ids = {t["teacher"] for teachers in by_rec.values() for t in teachers}
    live = set(Teacher.objects.filter(pk__in=ids).values_list("pk", flat=True))
    certified = set(
        ExcellentTeacherCertificate.objects.filter(campaign=campaign, revoked_at__isnull=True).values_list(
            "teacher_id", flat=True
        )
    )
    sequence = ExcellentTeacherCertificate.objects.filter(campaign=campaign).count()
    today = timezone.localdate()
    for rec_id in sorted(by_rec, key=lambda r: (ranked[r] or 0, r)):
        course = courses[rec_id]
        for sealed in by_rec[rec_id]:
            if sealed["teacher"] not in live:
                continue
            entry, _created = TeacherPoolEntry.objects.get_or_create(
                teacher_id=sealed["teacher"],
                campaign=campaign,
                course_id=course["course"],
                defaults={
                    "teacher_name": sealed["name"],
                    "professional_title": sealed["professional_title"],
                    "unit_name": sealed["unit"],
                    "course_title": course["title"],
                },
            )
            if entry.removed_at is not None:
                # Back in the selected list after a later correction: the entry returns.
                TeacherPoolEntry.objects.filter(pk=entry.pk).update(removed_at=None, removed_reason="")
            if sealed["teacher"] not in certified:
                certified.add(sealed["teacher"])
                sequence += 1
                ExcellentTeacherCertificate.objects.create(
                    teacher_id=sealed["teacher"],
                    campaign=campaign,
                    number=_certificate_number(campaign, sequence),
                    issued_on=today,
                    teacher_name=sealed["name"],
                )


def withdraw_dropped_teachers(*, campaign: Campaign, snapshot, reason: str) -> list[int]:
    """A correction dropped teachers from the selected list (the teacher, or the whole course):
    their 优秀师资特聘证书 of the campaign is revoked and their pool entry for that course taken
    out, with the correction's reason, in the correction's transaction. Both rows are kept.
    Returns the teachers whose certificate was revoked."""
    by_rec = selected_teacher_ids(snapshot)
    courses = {c["recommendation"]: c["course"] for c in snapshot.inputs["sealed"]["courses"]}
    kept = {(t["teacher"], courses[rec_id]) for rec_id, teachers in by_rec.items() for t in teachers}
    kept_teachers = {teacher for teacher, _course in kept}
    now = timezone.now()
    for entry in TeacherPoolEntry.objects.filter(campaign=campaign, removed_at__isnull=True).only(
        "teacher_id", "course_id"
    ):
        if (entry.teacher_id, entry.course_id) not in kept:
            TeacherPoolEntry.objects.filter(pk=entry.pk).update(removed_at=now, removed_reason=reason)
    revoked = list(
        ExcellentTeacherCertificate.objects.filter(campaign=campaign, revoked_at__isnull=True)
        .exclude(teacher_id__in=kept_teachers)
        .values_list("teacher_id", flat=True)
    )
    ExcellentTeacherCertificate.objects.filter(
        campaign=campaign, teacher_id__in=revoked, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_reason=reason)
    return sorted(revoked)


@transaction.atomic
def publish_results(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """ "确定入选名单，并在山东省专业技术人员继续教育公共服务平台上公布、推广" and the consequences, in one
    transaction, from the sealed snapshot: teaching credit for the sealed teachers with a confirmed
    account, the teacher pool and the excellent-teacher certificates for every sealed teacher."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_may_publish(campaign=campaign)
    snapshot = sealed_snapshot(campaign=campaign)
    if snapshot is None:
        raise RuleBroken(_("结果尚未封存，请先确认结果。"), code="not_sealed")
    add_pool_and_certificates(campaign=campaign, snapshot=snapshot)
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["published_at"])
    move_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=actor, reason=reason)
    sync_teaching_credits(campaign=campaign, actor=actor, cause=TeachingCredit.Cause.PUBLICATION)
    teachers = sum(len(ts) for ts in selected_teacher_ids(snapshot).values())
    linked = len(set(entitled(snapshot).values()))
    audit(
        type=AuditEvent.Type.RESULT_PUBLISHED,
        actor=actor,
        target=campaign,
        data={
            "year": campaign.year,
            "snapshot": snapshot.pk,
            "version": snapshot.version,
            "sha256": snapshot.sha256,
            "selected": snapshot.results.filter(selected=True).count(),
            "teachers_unmatched": teachers - linked,
        },
    )
    return campaign


def credit_linked_teacher(*, teacher: Teacher) -> int:
    """Deferred credit: a sealed teacher of a course selected in a published year confirmed their
    account after publication; credit the person now, once per selected course (the ledger's
    external reference is keyed on the person). Returns the number of credits given now."""
    if not teacher.user_id:
        return 0
    given = 0
    for campaign in campaigns_sealing_teacher(teacher=teacher):
        given += len(sync_teaching_credits(campaign=campaign, actor=teacher.user, cause=TeachingCredit.Cause.LINK))
    return given


def reverse_unlinked_teacher(*, teacher: Teacher, actor) -> None:
    """A confirmed link ended (withdrawn, or the ID number changed): credits it brought are reversed
    unless another sealed teacher row still names the person."""
    for campaign in campaigns_sealing_teacher(teacher=teacher):
        sync_teaching_credits(campaign=campaign, actor=actor, cause=TeachingCredit.Cause.UNLINK)
