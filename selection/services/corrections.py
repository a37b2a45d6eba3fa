"""Correcting a sealed result: the only way a confirmed or published outcome changes.

An association admin, with a reason, seals a new snapshot version from the current live data.
The results page shows it as a 更正记录 (version, date, reason, what changed); the teaching
credits, the pool and the certificates follow it; the audit log keeps the event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Role
from accounts.selectors import has_role
from accounts.services import audit

from ..exceptions import RuleBroken
from ..models import Campaign, Phase, ResultSnapshot, TeachingCredit
from ..selectors import sealed_snapshot
from .publication import add_pool_and_certificates, withdraw_dropped_teachers
from .results import compute_results
from .teaching import sync_teaching_credits


def _rank_text(rank) -> str:
    return str(rank) if rank is not None else _("专家评分不足")


def describe_changes(*, before: ResultSnapshot, after: ResultSnapshot) -> list[str]:
    """What a correction changed, in Chinese: courses entering or leaving the selected list, rank
    changes, and changes of a course's hours or teachers."""
    old_courses = {c["recommendation"]: c for c in before.inputs["sealed"]["courses"]}
    new_courses = {c["recommendation"]: c for c in after.inputs["sealed"]["courses"]}
    old = {r.recommendation_id: r for r in before.results.all()}
    new = {r.recommendation_id: r for r in after.results.all()}
    lines: list[str] = []
    for rec_id in sorted(set(old) | set(new)):
        title = (new_courses.get(rec_id) or old_courses[rec_id])["title"]
        was, now = old.get(rec_id), new.get(rec_id)
        was_selected, now_selected = bool(was and was.selected), bool(now and now.selected)
        if now_selected and not was_selected:
            lines.append(_("《%(t)s》入选。") % {"t": title})
        elif was_selected and not now_selected:
            lines.append(_("《%(t)s》不再入选。") % {"t": title})
        if was and now and was.rank != now.rank:
            lines.append(
                _("《%(t)s》排名由 %(old)s 变为 %(new)s。")
                % {"t": title, "old": _rank_text(was.rank), "new": _rank_text(now.rank)}
            )
        if rec_id in old_courses and rec_id in new_courses:
            lines += _course_changes(title, old_courses[rec_id], new_courses[rec_id])
    return lines


def _course_changes(title: str, was: dict, now: dict) -> list[str]:
    lines = []
    if was["hours"] != now["hours"]:
        lines.append(
            _("《%(t)s》学时由 %(old)s 变为 %(new)s。") % {"t": title, "old": was["hours"], "new": now["hours"]}
        )
    old_teachers = {t["teacher"]: t for t in was["teachers"]}
    new_teachers = {t["teacher"]: t for t in now["teachers"]}
    for teacher_id in sorted(set(new_teachers) - set(old_teachers)):
        lines.append(_("《%(t)s》新增授课教师 %(name)s。") % {"t": title, "name": new_teachers[teacher_id]["name"]})
    for teacher_id in sorted(set(old_teachers) - set(new_teachers)):
        lines.append(_("《%(t)s》移除授课教师 %(name)s。") % {"t": title, "name": old_teachers[teacher_id]["name"]})
    for teacher_id in sorted(set(old_teachers) & set(new_teachers)):
        a, b = old_teachers[teacher_id], new_teachers[teacher_id]
        if a["name"] != b["name"]:
            lines.append(
                _("《%(t)s》授课教师 %(old)s 更正为 %(new)s。") % {"t": title, "old": a["name"], "new": b["name"]}
            )
        elif a["id_fingerprint"] != b["id_fingerprint"] or a["user"] != b["user"]:
            lines.append(_("《%(t)s》授课教师 %(name)s 的身份信息已更正。") % {"t": title, "name": a["name"]})
    return lines


@transaction.atomic
def correct_results(*, campaign: Campaign, actor, reason: str) -> ResultSnapshot:
    """The association corrects a confirmed or published result, with a reason: a new sealed
    version from the current live data (scores, votes, courses, teachers, settings), published
    as a 更正记录; for a published campaign the pool, the certificates and the teaching credits
    follow it (credits of persons no longer in it are reversed, audited)."""
    if not has_role(actor, Role.ASSOCIATION_ADMIN):
        raise PermissionDenied(_("只有协会管理员可以更正评选结果。"))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正理由。")}, code="required")
    before = sealed_snapshot(campaign=campaign)
    if not campaign.is_past(Phase.OBJECTION) or before is None:
        raise RuleBroken(_("结果确认（封存）后才能更正；此前请按公示和异议程序处理。"), code="not_sealed")
    after = compute_results(campaign=campaign, actor=actor, version=before.version + 1, reason=reason)
    after.changes = describe_changes(before=before, after=after)
    after.save(update_fields=["changes"])
    audit(
        type=AuditEvent.Type.OTHER,
        actor=actor,
        target=campaign,
        data={
            "event": "results_corrected",
            "version": after.version,
            "previous_version": before.version,
            "sha256": after.sha256,
            "reason": reason,
            "changes": after.changes,
        },
    )
    if campaign.phase == Phase.PUBLISHED:
        revoked = withdraw_dropped_teachers(campaign=campaign, snapshot=after, reason=reason)
        if revoked:
            audit(
                type=AuditEvent.Type.OTHER,
                actor=actor,
                target=campaign,
                data={"event": "teacher_certificates_revoked", "version": after.version, "teachers": revoked},
            )
        add_pool_and_certificates(campaign=campaign, snapshot=after)
        sync_teaching_credits(campaign=campaign, actor=actor, cause=TeachingCredit.Cause.CORRECTION)
    return after
