"""CE bases' annual work plans and their managing units' decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.services import audit
from portal.hours import parse_hours

from ..models import MAX_COURSE_HOURS, Category, WorkPlan, WorkPlanTraining
from .common import MAX_YEAR, MIN_YEAR, require_role_in

MAX_TRAININGS = 200


def _clean_trainings(trainings: list[dict]) -> list[WorkPlanTraining]:
    """The plan's offline trainings as unsaved rows, or a Chinese error naming the bad line."""
    if len(trainings) > MAX_TRAININGS:
        raise ValidationError({"trainings": _("一个工作计划最多列 %(n)s 项培训。") % {"n": MAX_TRAININGS}})
    rows, titles = [], set()
    for order, item in enumerate(trainings, start=1):
        title = str(item.get("title") or "").strip()
        if not title or len(title) > 200:
            raise ValidationError({"trainings": _("第%(n)s项培训：请填写名称（不超过200字）。") % {"n": order}})
        if title in titles:
            raise ValidationError({"trainings": _("第%(n)s项培训：名称重复。") % {"n": order}})
        titles.add(title)
        try:
            hours = parse_hours(item.get("hours"), maximum=MAX_COURSE_HOURS)
        except ValidationError as exc:
            raise ValidationError({"trainings": _("第%(n)s项培训：") % {"n": order} + exc.messages[0]}) from None
        if item.get("category") not in Category.values:
            raise ValidationError({"trainings": _("第%(n)s项培训：请选择科目类别。") % {"n": order}})
        rows.append(WorkPlanTraining(title=title, hours=hours, category=item["category"], order=order))
    return rows


@transaction.atomic
def submit_work_plan(
    *, actor, base: Organisation, year: int, title: str, content: str = "", file=None, trainings: list[dict] = ()
) -> WorkPlan:
    """A CE base submits its annual plan to its managing unit: “国家级、省级继续教育基地应制定 2022 年度继续教育
    工作计划并报管理单位同意后组织实施。” A returned plan may be resubmitted; an approved one is final.

    `trainings` ({title, hours, category}) are the offline trainings the base will run under the plan;
    a resubmission replaces them. Only trainings of an approved plan can be credited."""
    require_role_in(actor, base, (Role.BASE_ADMIN,))
    if base.kind != Organisation.Kind.CE_BASE:
        raise ValidationError({"base": _("只有继续教育基地报送年度工作计划。")})
    if base.parent_id is None:
        raise ValidationError({"base": _("本基地未登记管理单位，请联系省人社厅。")})
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValidationError({"year": _("年度不在合理范围内。")})
    if not content.strip() and not file:
        raise ValidationError({"content": _("请填写计划内容或上传计划文件。")})
    training_rows = _clean_trainings(list(trainings))
    plan = WorkPlan.objects.select_for_update().filter(base=base, year=year).first()
    if plan is not None and plan.status == WorkPlan.Status.APPROVED:
        raise ValidationError({"year": _("该年度工作计划已经同意，不能再修改。")}, code="already_approved")
    if plan is None:
        plan = WorkPlan(base=base, year=year)
    plan.title = title.strip() or _("%(base)s%(year)s年度继续教育工作计划") % {"base": base.name, "year": year}
    plan.content = content
    if file:
        plan.file = file
    plan.status = WorkPlan.Status.SUBMITTED
    plan.reason = ""
    plan.submitted_by = actor
    plan.submitted_at = timezone.now()
    plan.decided_by = None
    plan.decided_at = None
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"year": _("该年度工作计划已提交。")}, code="duplicate") from None
    # Trainings of a plan that was never approved were never credited, so they can be replaced.
    plan.trainings.all().delete()
    for row in training_rows:
        row.plan = plan
    WorkPlanTraining.objects.bulk_create(training_rows)
    return plan


@transaction.atomic
def decide_work_plan(
    *, actor, plan: WorkPlan, approve: bool, reason: str = "", approved_on_arrival: bool = False
) -> WorkPlan:
    """The managing unit agrees to or returns a base's plan (“报管理单位同意后组织实施”); returning needs a reason.

    Agreeing with `approved_on_arrival` lets the base's offline training hours under this plan count
    on arrival; otherwise each goes to the person's employer for approval."""
    plan = WorkPlan.objects.select_for_update(of=("self",)).select_related("base", "base__parent").get(pk=plan.pk)
    if plan.base.parent is None:
        raise PermissionDenied(_("您无权审核该工作计划。"))
    require_role_in(actor, plan.base.parent, (Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF))
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise ValidationError({"status": _("该工作计划已审核，不能重复审核。")}, code="already_decided")
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("退回时必须填写理由。")}, code="reason_required")
    plan.status = WorkPlan.Status.APPROVED if approve else WorkPlan.Status.RETURNED
    plan.approved_on_arrival = bool(approve and approved_on_arrival)
    plan.reason = reason.strip()
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.save(update_fields=["status", "approved_on_arrival", "reason", "decided_by", "decided_at"])
    audit(
        type=AuditEvent.Type.OTHER,
        actor=actor,
        organisation=plan.base.parent,
        target=plan.title,
        data={
            "action": "work_plan_decided",
            "plan": plan.pk,
            "status": plan.status,
            "approved_on_arrival": plan.approved_on_arrival,
        },
    )
    return plan
