"""Demo: the 2022 calls as they stood at the start of May 2022, and the open 2026 calls.

2022 (closed): most units sent in time and were accepted, some were returned with comments,
some are pending, a few never sent, and one CE base sent late under an extension.

2026 (open until the end of April 2027, "4月底前"): other units are part-way through (pending,
accepted, returned, resubmitted, missing); the demo logins' own units (department, base, city)
have not sent yet, hold a draft or were returned, so they can try sending, and the province and
association logins have pending materials to review.

Everything goes through the services (with the dates passed in), so the demo obeys the same
rules as real users.
"""

import datetime
import random
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import ASSOCIATION, PROVINCIAL_BUREAU, DemoContext
from accounts.models import Role, User
from accounts.services import grant_role

from . import services
from .models import Call, Submission
from .samples import tiny_docx, tiny_pdf
from .selectors import expected_units

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DEADLINE_2022 = datetime.datetime(2022, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)
YEAR_OPEN = 2026
DEADLINE_OPEN = datetime.datetime(2027, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)
DEMO_LOGINS = ("department", "base", "city")

# (audience, name, material, receiver); "{year}" is the call's year.
CALLS = [
    (
        Call.Audience.DEPARTMENTS,
        "{year}年度专业技术人员继续教育学习指南（行业主管部门）",
        "学习指南（参考附件1格式）或工作通知",
        PROVINCIAL_BUREAU,
    ),
    (
        Call.Audience.CE_BASES,
        "{year}年度继续教育工作计划（国家级、省级继续教育基地）",
        "年度继续教育工作计划",
        PROVINCIAL_BUREAU,
    ),
    (Call.Audience.CITY_BUREAUS, "{year}年度继续教育工作通知（各设区的市）", "继续教育工作通知", PROVINCIAL_BUREAU),
    (
        Call.Audience.EVALUATION_ENTRANTS,
        "优质在线公需课评选推荐材料（附件3、附件4）",
        "附件3 优质在线公需课推荐表、附件4 知识产权保护承诺书",
        ASSOCIATION,
    ),
]

RETURN_COMMENTS = [
    "标题未按要求注明“{year}年度继续教育材料”格式，PDF版缺少盖章页，请修改后重新报送。",
    "学习指南缺少“二、学时要求”部分，请按附件1参考格式补充。",
    "Word版与PDF版内容不一致，请核对后重新报送。",
]


def _at(day: int, hour: int, rng: random.Random, month: int = 4, year: int = 2022) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=SHANGHAI)


def _files(unit_name: str, year: int, material: str, number: int):
    title = f"{unit_name}{year}年度继续教育材料"
    word = SimpleUploadedFile(f"{title}.docx", tiny_docx(title, material, f"第{number}稿"))
    pdf = SimpleUploadedFile(f"{title}.pdf", tiny_pdf(f"{year} CE materials v{number}"))
    return word, pdf


def _send(call, unit, user, when, number=1, draft=False):
    word, pdf = _files(unit.name, call.year, call.material, number)
    return services.send_materials(
        call=call,
        unit=unit,
        user=user,
        title=services.required_title(unit=unit, year=call.year),
        word_file=word,
        pdf_file=pdf,
        draft=draft,
        now=when,
    )


def _unit_user(ctx: DemoContext, unit) -> object:
    """The unit's staff member who sends (the demo login if it is theirs, else a generated one)."""
    for key in DEMO_LOGINS:
        user = ctx.users.get(key)
        if user and any(m.organisation_id == unit.pk for m in user.memberships.all()):
            return user
    role = {"industry_department": Role.DEPARTMENT_STAFF, "ce_base": Role.BASE_ADMIN, "city_bureau": Role.CITY_STAFF}[
        unit.kind
    ]
    user, _created = User.objects.get_or_create(
        username=f"unit{unit.pk:03d}", defaults={"name": f"{unit.short_name or unit.name}报送员"}
    )
    if not user.email:
        user.email = f"unit{unit.pk:03d}@demo.example.cn"
        user.set_unusable_password()
        user.save()
    grant_role(user=user, organisation=unit, role=role)
    return user


def _call(ctx: DemoContext, *, year: int, deadline, audience, name, material, receiver_name) -> Call:
    call, _new = Call.objects.get_or_create(
        year=year,
        audience=audience,
        receiver=ctx.organisations[receiver_name],
        defaults={
            "name": name.format(year=year),
            "material": material,
            "deadline": deadline,
            "created_by": ctx.users["province"],
        },
    )
    return call


def seed(ctx: DemoContext) -> None:
    created = _seed_2022(ctx)
    created_open = _seed_open(ctx)
    ctx.log(
        f"  2022年度报送通知 {len(CALLS)} 个（已截止），新建报送材料 {created} 份；"
        f"{YEAR_OPEN}年度报送通知 {len(CALLS)} 个（截止 {DEADLINE_OPEN:%Y-%m-%d}），新建报送材料 {created_open} 份"
    )


def _seed_2022(ctx: DemoContext) -> int:
    rng = random.Random(20220430)
    province_staff = ctx.users["province"]
    association_admin = ctx.users["association"]
    created = 0
    for audience, name, material, receiver_name in CALLS:
        call = _call(
            ctx,
            year=2022,
            deadline=DEADLINE_2022,
            audience=audience,
            name=name,
            material=material,
            receiver_name=receiver_name,
        )
        reviewer = association_admin if receiver_name == ASSOCIATION else province_staff
        # Attachments 3/4 are made from the recommendations: nothing to upload.
        units = [] if call.is_generated else list(expected_units(call))
        for index, unit in enumerate(units):
            if Submission.objects.filter(call=call, unit=unit).exists():
                continue
            plan = _plan(audience, index, len(units), unit, ctx)
            if plan == "missing":
                continue
            user = _unit_user(ctx, unit)
            if plan == "late":
                services.grant_extension(
                    call=call,
                    unit=unit,
                    deadline=datetime.datetime(2022, 5, 10, 23, 59, 59, tzinfo=SHANGHAI),
                    reason="学校疫情封控管理，工作计划需经学校党委会审议，申请延期至5月10日。",
                    granted_by=reviewer,
                )
                _send(call, unit, user, _at(6, 10, rng, month=5))
                created += 1
                continue
            when = _at(rng.randint(8, 29), rng.randint(8, 17), rng)
            submission = _send(call, unit, user, when)
            created += 1
            if plan == "accepted":
                services.review_submission(
                    submission=submission,
                    reviewer=reviewer,
                    accept=True,
                    comment="材料齐全，审核通过。",
                    now=when + datetime.timedelta(days=1),
                )
            elif plan in ("returned", "resubmitted"):
                services.review_submission(
                    submission=submission,
                    reviewer=reviewer,
                    accept=False,
                    comment=rng.choice(RETURN_COMMENTS).format(year=2022),
                    resubmit_by=datetime.datetime(2022, 5, 13, 23, 59, 59, tzinfo=SHANGHAI),
                    now=_at(30, 8, rng),
                )
                if plan == "resubmitted":
                    _send(call, unit, user, _at(30, 9, rng), number=2)
    return created


def _plan(audience: str, index: int, total: int, unit, ctx: DemoContext) -> str:
    """The April 2022 state of each unit (deterministic by position)."""
    if audience == Call.Audience.DEPARTMENTS:
        return ["accepted", "returned", "accepted", "missing"][index % 4]
    if audience == Call.Audience.CE_BASES:
        return ["accepted", "late", "submitted", "accepted", "resubmitted"][index % 5]
    if audience == Call.Audience.CITY_BUREAUS:
        return ["accepted", "accepted", "submitted", "accepted", "returned", "accepted", "missing", "accepted"][
            index % 8
        ]
    return ["submitted", "accepted", "missing"][index % 3]


# The open year: units other than the demo logins' cycle through these; the first entries keep
# something pending for the reviewers in every call, even the small ones.
OPEN_PLANS = ["submitted", "accepted", "returned", "missing", "resubmitted", "submitted", "accepted", "missing"]
# The demo logins' own units: never sent or already final, so each login can send (or resend).
OPEN_DEMO_PLANS = {
    Call.Audience.DEPARTMENTS: "missing",
    Call.Audience.CE_BASES: "returned",
    Call.Audience.CITY_BUREAUS: "draft",
}


def _seed_open(ctx: DemoContext) -> int:
    """The current year's calls, still open (deadline 2027-04-30 23:59:59 Asia/Shanghai)."""
    rng = random.Random(20270430)
    demo_unit_ids = {m.organisation_id for key in DEMO_LOGINS for m in ctx.users[key].memberships.all()}
    created = 0
    for audience, name, material, receiver_name in CALLS:
        call = _call(
            ctx,
            year=YEAR_OPEN,
            deadline=DEADLINE_OPEN,
            audience=audience,
            name=name,
            material=material,
            receiver_name=receiver_name,
        )
        reviewer = ctx.users["association"] if receiver_name == ASSOCIATION else ctx.users["province"]
        others = 0
        for unit in [] if call.is_generated else expected_units(call):
            if unit.pk in demo_unit_ids:
                plan = OPEN_DEMO_PLANS[audience]
            else:
                plan = OPEN_PLANS[others % len(OPEN_PLANS)]
                others += 1
            if plan == "missing" or Submission.objects.filter(call=call, unit=unit).exists():
                continue
            user = _unit_user(ctx, unit)
            when = _at(rng.randint(2, 12), rng.randint(8, 17), rng, month=11, year=YEAR_OPEN)
            submission = _send(call, unit, user, when, draft=plan == "draft")
            created += 1
            if plan in ("submitted", "draft"):
                continue
            reviewed = when + datetime.timedelta(days=rng.randint(1, 5))
            if plan == "accepted":
                services.review_submission(
                    submission=submission, reviewer=reviewer, accept=True, comment="材料齐全，审核通过。", now=reviewed
                )
                continue
            services.review_submission(
                submission=submission,
                reviewer=reviewer,
                accept=False,
                comment=rng.choice(RETURN_COMMENTS).format(year=YEAR_OPEN),
                now=reviewed,
            )
            if plan == "resubmitted":
                _send(call, unit, user, reviewed + datetime.timedelta(days=2), number=2)
    return created
