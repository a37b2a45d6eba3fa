"""Event models for the tracked settings and records, all in the `portal` app so one migration
holds them. PostgreSQL triggers (django-pgtrigger, installed after every `migrate`) write them, so
`.update()`, bulk writes, the admin and raw SQL are recorded like a page save.

Each model records three events: "create" (the new row), "update" (the row *before* the change:
the values after it are the next event's row or the live row) and "delete" (the last row).
Columns Django rewrites on every save (`updated_at`) are left out, so a save that changes nothing
records nothing."""

import pghistory

from courses.models import Course, Teacher, WorkPlan, WorkPlanTraining
from credits.models import ConversionRule, Requirement, YearPolicy
from selection.models import Campaign, Criterion, Objection

__all__ = [
    "CampaignEvent",
    "ConversionRuleEvent",
    "CourseEvent",
    "CourseTeacherEvent",
    "CriterionEvent",
    "ObjectionEvent",
    "RequirementEvent",
    "TeacherEvent",
    "WorkPlanEvent",
    "WorkPlanTrainingEvent",
    "YearPolicyEvent",
]


def _event_model(tracked, name, *, exclude=(), fields=None, insert=True, delete=True):
    trackers = [pghistory.UpdateEvent("update", row=pghistory.Old)]
    if insert:
        trackers.insert(0, pghistory.InsertEvent("create"))
    if delete:
        trackers.append(pghistory.DeleteEvent("delete"))
    return pghistory.create_event_model(
        tracked,
        *trackers,
        fields=fields,
        exclude=list(exclude) or None,
        context_field=pghistory.ContextJSONField(),
        app_label="portal",
        model_name=name,
        abstract=False,
        meta={"ordering": ["-pgh_id"]},
    )


CourseEvent = _event_model(Course, "CourseEvent", exclude=["created_at", "updated_at"])
TeacherEvent = _event_model(Teacher, "TeacherEvent")
# Which teachers a course names (the many-to-many link): added and removed, never changed.
CourseTeacherEvent = _event_model(Course.teachers.through, "CourseTeacherEvent")
WorkPlanEvent = _event_model(WorkPlan, "WorkPlanEvent")
WorkPlanTrainingEvent = _event_model(WorkPlanTraining, "WorkPlanTrainingEvent")
CampaignEvent = _event_model(Campaign, "CampaignEvent", exclude=["created_at"])
CriterionEvent = _event_model(Criterion, "CriterionEvent")
# An objection's reason is the filer's; what is audited is its answer.
ObjectionEvent = _event_model(
    Objection, "ObjectionEvent", fields=["campaign", "answer", "answered_by", "answered_at"], insert=False
)
RequirementEvent = _event_model(Requirement, "RequirementEvent", exclude=["created_at"])
YearPolicyEvent = _event_model(YearPolicy, "YearPolicyEvent", exclude=["updated_at"])
ConversionRuleEvent = _event_model(ConversionRule, "ConversionRuleEvent")
