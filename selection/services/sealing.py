"""The sealed evaluation: at confirmation the snapshot takes in everything that is published, so
later edits of courses, teachers, scores, votes or settings never change a published outcome.

`sealed_payload` is what a sealed snapshot holds under `inputs["sealed"]`; `live_differences`
compares it with the live data (`manage.py verify_results`)."""

from decimal import Decimal

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Campaign, Recommendation, ResultSnapshot, Score, Vote
from ..selectors import conflicts_by_recommendation

FINGERPRINT_SALT = "selection.teacher-id-number"


def id_fingerprint(id_number: str) -> str:
    """A keyed hash of a teacher's ID number: the snapshot can tell whether the number changed
    without holding it (the raw number is never in a snapshot or in public output)."""
    return salted_hmac(FINGERPRINT_SALT, id_number).hexdigest() if id_number else ""


def _teacher_identity(teacher) -> dict:
    return {
        "teacher": teacher.pk,
        "name": teacher.name,
        "professional_title": teacher.professional_title,
        "user": teacher.user_id,
        "id_fingerprint": id_fingerprint(teacher.id_number),
        "current_unit": teacher.current_unit_id,
        "unit": teacher.current_unit.name if teacher.current_unit_id else teacher.unit,
        "former_units": sorted(u.pk for u in teacher.former_units.all()),
    }


def _courses(rec_ids: list[int]) -> list[dict]:
    recs = (
        Recommendation.objects.filter(pk__in=rec_ids)
        .select_related("course__provider", "organisation")
        .prefetch_related("course__teachers__current_unit", "course__teachers__former_units")
        .order_by("id")
    )
    return [
        {
            "recommendation": rec.pk,
            "course": rec.course_id,
            "title": rec.course.title,
            "hours": f"{rec.course.hours:.1f}",
            "provider": rec.course.provider_id,
            "organisation": {"id": rec.organisation_id, "name": rec.organisation.name},
            "teachers": [_teacher_identity(t) for t in sorted(rec.course.teachers.all(), key=lambda t: t.pk)],
        }
        for rec in recs
    ]


def _scores(campaign: Campaign) -> list[dict]:
    rows = Score.objects.filter(assignment__recommendation__campaign=campaign).values_list(
        "assignment_id", "assignment__recommendation_id", "assignment__expert_id", "total", "values"
    )
    return [
        {"assignment": a, "recommendation": r, "expert": e, "total": str(t), "values": v}
        for a, r, e, t, v in sorted(rows)
    ]


def _votes(campaign: Campaign) -> dict[str, list[int]]:
    votes: dict[str, list[int]] = {}
    for vote_id, rec_id in Vote.objects.filter(campaign=campaign).values_list("id", "recommendation_id").order_by("id"):
        votes.setdefault(str(rec_id), []).append(vote_id)
    return votes


def sealed_payload(*, campaign: Campaign, rec_ids: list[int], rules: list[str]) -> dict:
    """Everything published about the ranking, as at sealing."""
    return {
        "title": campaign.title,
        "rules": [str(r) for r in rules],
        "courses": _courses(rec_ids),
        "scores": _scores(campaign),
        "votes": _votes(campaign),
    }


def sealed_courses(snapshot: ResultSnapshot) -> dict[int, dict]:
    return {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}


def _course_differences(sealed: dict, live: dict) -> list[str]:
    problems = []
    for rec_id, was in sealed.items():
        now = live.get(rec_id)
        title = was["title"]
        if now is None:
            problems.append(_("课程《%(t)s》（推荐 %(id)s）已不存在。") % {"t": title, "id": rec_id})
            continue
        for key, label in (
            ("course", _("课程")),
            ("title", _("课程名称")),
            ("hours", _("学时")),
            ("provider", _("提供单位")),
            ("organisation", _("推荐单位")),
        ):
            if was[key] != now[key]:
                problems.append(
                    _("课程《%(t)s》的%(what)s已改变：快照 %(old)s，现为 %(new)s。")
                    % {"t": title, "what": label, "old": was[key], "new": now[key]}
                )
        old_teachers = {t["teacher"]: t for t in was["teachers"]}
        new_teachers = {t["teacher"]: t for t in now["teachers"]}
        for teacher_id in sorted(set(new_teachers) - set(old_teachers)):
            problems.append(
                _("课程《%(t)s》新增授课教师 %(name)s。") % {"t": title, "name": new_teachers[teacher_id]["name"]}
            )
        for teacher_id, old in sorted(old_teachers.items()):
            new = new_teachers.get(teacher_id)
            if new is None:
                problems.append(_("课程《%(t)s》的授课教师 %(name)s 已移除。") % {"t": title, "name": old["name"]})
                continue
            changed = [key for key in old if old[key] != new.get(key)]
            if changed:
                problems.append(
                    _("课程《%(t)s》授课教师 %(name)s 的信息已改变（%(what)s）。")
                    % {"t": title, "name": old["name"], "what": "、".join(TEACHER_FIELDS.get(k, k) for k in changed)}
                )
    return problems


TEACHER_FIELDS = {
    "name": "姓名",
    "professional_title": "职称",
    "user": "关联账号",
    "id_fingerprint": "身份证号",
    "current_unit": "工作单位",
    "unit": "工作单位名称",
    "former_units": "曾任职单位",
}


def _score_differences(sealed: list[dict], live: list[dict]) -> list[str]:
    problems = []
    old = {s["assignment"]: s for s in sealed}
    new = {s["assignment"]: s for s in live}
    for assignment in sorted(set(old) - set(new)):
        problems.append(
            _("推荐 %(rec)s 的一份专家评分（分配 %(a)s）已不存在。")
            % {"rec": old[assignment]["recommendation"], "a": assignment}
        )
    for assignment in sorted(set(new) - set(old)):
        problems.append(
            _("推荐 %(rec)s 新增一份专家评分（分配 %(a)s）。")
            % {"rec": new[assignment]["recommendation"], "a": assignment}
        )
    for assignment in sorted(set(old) & set(new)):
        was, now = old[assignment], new[assignment]
        if Decimal(was["total"]) != Decimal(now["total"]) or was["values"] != now["values"]:
            problems.append(
                _("推荐 %(rec)s 的专家评分（分配 %(a)s）已改变：快照 %(old)s，现为 %(new)s。")
                % {"rec": was["recommendation"], "a": assignment, "old": was["total"], "new": now["total"]}
            )
    return problems


def _vote_differences(sealed: dict[str, list[int]], live: dict[str, list[int]]) -> list[str]:
    problems = []
    for rec_id in sorted(set(sealed) | set(live), key=int):
        was, now = set(sealed.get(rec_id, [])), set(live.get(rec_id, []))
        if was != now:
            problems.append(
                _("推荐 %(rec)s 的投票已改变：快照 %(old)s 票，现为 %(new)s 票（新增 %(added)s，减少 %(removed)s）。")
                % {
                    "rec": rec_id,
                    "old": len(was),
                    "new": len(now),
                    "added": len(now - was),
                    "removed": len(was - now),
                }
            )
    return problems


SETTINGS = {
    "expert_weight": "专家评审权重",
    "vote_weight": "网络投票权重",
    "drop_extremes_min_experts": "去掉最高最低分的专家人数",
    "min_expert_scores": "最少专家评分数",
    "tie_rule": "同分规则",
    "select_count": "入选名额",
    "min_combined_score": "入选最低综合得分",
}


def _settings_differences(snapshot: ResultSnapshot, campaign: Campaign, rules: list[str]) -> list[str]:
    problems = []
    for field, label in SETTINGS.items():
        live = getattr(campaign, field)
        live = None if live is None else (live if isinstance(live, int) else str(live))
        if snapshot.inputs.get(field) != live:
            problems.append(
                _("评选设置“%(what)s”已改变：快照 %(old)s，现为 %(new)s。")
                % {"what": label, "old": snapshot.inputs.get(field), "new": live}
            )
    sealed = snapshot.inputs["sealed"]
    if sealed["title"] != campaign.title:
        problems.append(
            _("评选名称已改变：快照 %(old)s，现为 %(new)s。") % {"old": sealed["title"], "new": campaign.title}
        )
    if sealed["rules"] != [str(r) for r in rules]:
        problems.append(_("按现有设置打印的评选规则与封存的规则不一致。"))
    return problems


def _conflict_differences(scores: list[dict]) -> list[str]:
    """A scoring expert who now has a conflict with the course (a new job, a teacher's new unit):
    reported, never acted on here."""
    by_expert: dict[int, set[int]] = {}
    for s in scores:
        by_expert.setdefault(s["expert"], set()).add(s["recommendation"])
    problems = []
    for user in User.objects.filter(pk__in=by_expert).order_by("pk"):
        recs = Recommendation.objects.filter(pk__in=by_expert[user.pk]).order_by("pk")
        for rec_id, types in sorted(conflicts_by_recommendation(expert=user, recommendations=recs).items()):
            problems.append(
                _("评分专家 %(expert)s 现与推荐 %(rec)s 存在利益冲突（%(types)s），其评分仍计入封存结果。")
                % {"expert": user.pk, "rec": rec_id, "types": "、".join(types)}
            )
    return problems


def live_differences(*, snapshot: ResultSnapshot, rules: list[str]) -> list[str]:
    """Every difference between a sealed snapshot and the live data: courses (title, hours, units),
    teachers (identity, units), each expert score and each vote, the settings and the rules, and
    conflicts of interest that appeared since. Empty for an unsealed snapshot. `rules`: the rules
    as the live settings print them."""
    if not snapshot.is_sealed:
        return []
    sealed = snapshot.inputs["sealed"]
    campaign = Campaign.objects.get(pk=snapshot.campaign_id)
    courses = sealed_courses(snapshot)
    live_courses = {c["recommendation"]: c for c in _courses(list(courses))}
    problems = _course_differences(courses, live_courses)
    problems += _score_differences(sealed["scores"], _scores(campaign))
    problems += _vote_differences(sealed["votes"], _votes(campaign))
    problems += _settings_differences(snapshot, campaign, rules)
    problems += _conflict_differences(sealed["scores"])
    return problems
