"""Reads: who must answer a call, a unit's deadline, what a user may see, the reviewer's table."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role
from accounts.selectors import roles_of
from portal.deadlines import is_open
from selection.selectors import recommending_unit_ids, recommending_years

from .models import Call, Extension, Submission, SubmissionVersion

# Roles through which a unit's own staff send its materials.
UNIT_ROLES = (Role.DEPARTMENT_STAFF, Role.BASE_ADMIN, Role.CITY_STAFF)
# Roles through which the receiving organisation reviews them.
REVIEWER_ROLES = (Role.PROVINCE_STAFF, Role.ASSOCIATION_ADMIN)


# The units' own materials, to the provincial bureau; attachment 2 travels with them.
OWN_MATERIALS = (Call.Audience.DEPARTMENTS, Call.Audience.CE_BASES, Call.Audience.CITY_BUREAUS)


def expected_units_filter(audience: str, *, year: int) -> Q:
    """Which units must answer a call of this audience and year (notice, 四、其他事项).

    "各省级行业主管部门学习指南……或工作通知、国家级和省级继续教育基地工作计划、各设区的市继续教育工作通知……
    建有网络学习平台的，请填写《继续教育学习平台信息统计表》（见附件2）一并报送。参加优质在线公需课评选的单位
    请填写《优质在线公需课推荐表》（见附件3）和《知识产权保护承诺书》（见附件4）" — attachment 2 is no call
    of its own (it goes with the unit's materials), and only the units that recommended a course
    in the year's evaluation are asked for attachments 3 and 4.
    """
    kind = Organisation.Kind
    active = Q(is_active=True)
    if audience == Call.Audience.DEPARTMENTS:
        return active & Q(kind=kind.INDUSTRY_DEPARTMENT)
    if audience == Call.Audience.CE_BASES:
        return active & Q(kind=kind.CE_BASE)
    if audience == Call.Audience.CITY_BUREAUS:
        return active & Q(kind=kind.CITY_BUREAU)
    if audience == Call.Audience.EVALUATION_ENTRANTS:
        return active & Q(pk__in=recommending_unit_ids(year=year))
    return Q(pk__in=[])


def expected_units(call: Call) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(expected_units_filter(call.audience, year=call.year))
        .distinct()
        .order_by("kind", "name")
    )


def is_expected(*, call: Call, unit: Organisation) -> bool:
    return Organisation.objects.filter(expected_units_filter(call.audience, year=call.year), pk=unit.pk).exists()


LOOKUP = object()


def unit_deadline(*, call: Call, unit: Organisation, extension=LOOKUP) -> datetime.datetime:
    """The call's deadline, or the later one an extension grants this unit (pass `extension`,
    possibly None, when it is already known, to save the query)."""
    if extension is LOOKUP:
        extension = Extension.objects.filter(call=call, unit=unit).first()
    if extension is not None and extension.deadline > call.deadline:
        return extension.deadline
    return call.deadline


# --- who is who ---------------------------------------------------------------------------


def unit_ids_of(user) -> list[int]:
    """The units whose materials this user sends."""
    return sorted({g.organisation_id for g in roles_of(user) if g.role in UNIT_ROLES})


def reviewer_org_ids_of(user) -> list[int]:
    """The receiving organisations this user reviews for."""
    return sorted({g.organisation_id for g in roles_of(user) if g.role in REVIEWER_ROLES})


def units_of(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=unit_ids_of(user), is_active=True).order_by("name")


def calls_reviewed_by(user) -> QuerySet[Call]:
    return Call.objects.filter(receiver_id__in=reviewer_org_ids_of(user)).select_related("receiver")


def audiences_of_units(unit_ids: list[int]) -> dict[int, set[str]]:
    """For each unit, the own-materials audiences it falls in (one query for all units)."""
    if not unit_ids:
        return {}
    # Own materials do not depend on the year (year=0 is never used by their filters).
    rows = (
        Organisation.objects.filter(pk__in=unit_ids)
        .annotate(
            **{
                f"in_{audience}": Count("pk", filter=expected_units_filter(audience, year=0), distinct=True)
                for audience in OWN_MATERIALS
            }
        )
        .values("pk", *[f"in_{audience}" for audience in OWN_MATERIALS])
    )
    return {row["pk"]: {a for a in OWN_MATERIALS if row[f"in_{a}"]} for row in rows}


@dataclass(frozen=True)
class UnitScope:
    """What some units must answer: own-materials audiences per unit, and the years in which
    each recommended (the attachments 3/4 call of those years)."""

    audiences: dict[int, set[str]]
    recommended_years: dict[int, set[int]]

    def answers(self, call: Call, unit_id: int) -> bool:
        if call.audience == Call.Audience.EVALUATION_ENTRANTS:
            return call.year in self.recommended_years.get(unit_id, ())
        return call.audience in self.audiences.get(unit_id, ())

    def calls(self) -> QuerySet[Call]:
        audiences = set().union(*self.audiences.values())
        years = set().union(*self.recommended_years.values())
        wanted = Q(audience__in=audiences) | Q(audience=Call.Audience.EVALUATION_ENTRANTS, year__in=years)
        return Call.objects.filter(wanted).select_related("receiver")


def scope_of_units(unit_ids: list[int]) -> UnitScope:
    """One query for the units' kinds, one per unit for its recommending years (a user has few units)."""
    return UnitScope(
        audiences=audiences_of_units(unit_ids),
        recommended_years={uid: set(recommending_years(organisation_ids=[uid])) for uid in unit_ids},
    )


def calls_for_units(unit_ids: list[int], *, year: int | None = None) -> QuerySet[Call]:
    """Calls that any of these units must answer: their own materials' calls, and the
    attachments 3/4 call of each year in which one of them recommended a course."""
    calls = scope_of_units(unit_ids).calls()
    return calls.filter(year=year) if year else calls


def calls_visible_to(user, *, year: int | None = None, unit_call_ids: set[int] | None = None) -> QuerySet[Call]:
    """Calls the user's units must answer, and calls the user reviews."""
    if unit_call_ids is None:
        unit_call_ids = set(calls_for_units(unit_ids_of(user), year=year).values_list("pk", flat=True))
    calls = Call.objects.filter(Q(pk__in=unit_call_ids) | Q(receiver_id__in=reviewer_org_ids_of(user))).select_related(
        "receiver"
    )
    return calls.filter(year=year) if year else calls


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Submissions of the user's own units, and those sent (not drafts) to calls the user reviews."""
    sent_to_me = Q(call__receiver_id__in=reviewer_org_ids_of(user)) & ~Q(status=Submission.Status.DRAFT)
    return Submission.objects.filter(Q(unit_id__in=unit_ids_of(user)) | sent_to_me).select_related(
        "call", "call__receiver", "unit", "current_version"
    )


def submissions_sent_by(user) -> QuerySet[Submission]:
    """Submissions of the user's own units (what they may send, resend or submit)."""
    return submissions_visible_to(user).filter(unit_id__in=unit_ids_of(user))


def submissions_reviewed_by(user) -> QuerySet[Submission]:
    """Sent submissions to calls the user's units receive (what they may accept or return)."""
    return submissions_visible_to(user).filter(call__receiver_id__in=reviewer_org_ids_of(user))


def submissions_of_units(*, unit_ids: list[int], calls) -> QuerySet[Submission]:
    """The units' submissions to these calls (the units are the caller's own: units_of(user))."""
    return Submission.objects.filter(unit_id__in=unit_ids, call__in=calls).select_related("current_version")


def submission_of(*, call: Call, unit: Organisation) -> Submission | None:
    return Submission.objects.filter(call=call, unit=unit).first()


def extensions_of_units(*, unit_ids: list[int], calls=None) -> QuerySet[Extension]:
    """Deadline extensions granted to these units (for these calls, when given)."""
    extensions = Extension.objects.filter(unit_id__in=unit_ids)
    return extensions if calls is None else extensions.filter(call__in=calls)


def versions_visible_to(user) -> QuerySet[SubmissionVersion]:
    return SubmissionVersion.objects.filter(submission__in=submissions_visible_to(user)).select_related(
        "submission", "submission__unit", "submission__call"
    )


def is_reviewer_of(user, call: Call | None) -> bool:
    return call is not None and call.receiver_id in reviewer_org_ids_of(user)


# --- the reviewer's table -----------------------------------------------------------------


class State:
    MISSING = "missing"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    LATE = "late"

    LABELS = {
        MISSING: _("未报送"),
        SUBMITTED: _("已报送待审"),
        RETURNED: _("退回修改"),
        ACCEPTED: _("已通过"),
        LATE: _("逾期报送"),
    }
    BADGES = {
        MISSING: "badge-bad",
        SUBMITTED: "badge",
        RETURNED: "badge-warn",
        ACCEPTED: "badge-ok",
        LATE: "badge-warn",
    }
    ORDER = [ACCEPTED, SUBMITTED, LATE, RETURNED, MISSING]


def state_of(submission: Submission | None, call: Call) -> str:
    """A unit's state for the reviewer: drafts count as missing; a pending one sent after the
    call's own deadline (under an extension) is late."""
    if submission is None or not submission.is_sent:
        return State.MISSING
    if submission.status == Submission.Status.ACCEPTED:
        return State.ACCEPTED
    if submission.status == Submission.Status.RETURNED:
        return State.RETURNED
    if submission.first_submitted_at and not is_open(deadline=call.deadline, now=submission.first_submitted_at):
        return State.LATE
    return State.SUBMITTED


@dataclass
class UnitRow:
    unit: Organisation
    submission: Submission | None
    extension: Extension | None
    deadline: datetime.datetime
    state: str

    @property
    def state_label(self):
        return State.LABELS[self.state]

    @property
    def badge(self) -> str:
        return State.BADGES[self.state]


def call_state_table(call: Call, *, state: str = "", kind: str = "", search: str = "") -> tuple[list[UnitRow], Counter]:
    """Every expected unit with its state, in three queries whatever the number of units:
    units, submissions (with their current version), extensions. Counts are over all units,
    the rows are filtered."""
    units = list(expected_units(call))
    # Attachments 3/4 are sent by recommending: every expected unit has sent them.
    submissions = (
        {}
        if call.is_generated
        else {s.unit_id: s for s in Submission.objects.filter(call=call).select_related("current_version", "call")}
    )
    extensions = {e.unit_id: e for e in Extension.objects.filter(call=call)}
    rows = []
    counts: Counter = Counter()
    for unit in units:
        submission = submissions.get(unit.pk)
        extension = extensions.get(unit.pk)
        deadline = unit_deadline(call=call, unit=unit, extension=extension)
        unit_state = State.SUBMITTED if call.is_generated else state_of(submission, call)
        row = UnitRow(unit, submission, extension, deadline, unit_state)
        counts[row.state] += 1
        rows.append(row)
    needle = search.strip()
    rows = [
        r
        for r in rows
        if (not state or r.state == state)
        and (not kind or r.unit.kind == kind)
        and (not needle or needle in r.unit.name)
    ]
    return rows, counts


def remaining(deadline: datetime.datetime, *, now: datetime.datetime | None = None) -> dict:
    """Days and hours left before a deadline, for the server-rendered countdown."""
    now = now or timezone.now()
    if not is_open(deadline=deadline, now=now):
        return {"open": False, "days": 0, "hours": 0}
    seconds = max(int((deadline - now).total_seconds()), 0)
    return {"open": True, "days": seconds // 86400, "hours": (seconds % 86400) // 3600}
