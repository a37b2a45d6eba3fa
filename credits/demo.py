"""Demo hours for `manage.py seed_demo`: policies 2021-2026 and ledgers over those years with a mix
of compliant people, people short on public hours and people short on professional hours.

Idempotent: records have deterministic external_refs and are bulk-inserted with ignore_conflicts;
summaries are rebuilt from the ledger afterwards."""

import datetime
import random
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from accounts.demo import CE_BASES, DemoContext
from accounts.selectors import employer_of
from courses.models import Category, Course, Topic, WorkPlanTraining

from . import services
from .models import ConversionRule, HourRecord, Requirement, YearPolicy

YEARS = range(2021, 2027)
RULES = [
    # (name, unit, hours per unit, category)
    ("在核心期刊发表专业论文", "篇", Decimal("20.0"), Category.PROFESSIONAL),
    ("参加省级以上学术会议", "天", Decimal("8.0"), Category.PROFESSIONAL),
    ("在职学历（学位）教育", "学期", Decimal("30.0"), Category.PROFESSIONAL),
    ("参加线下公需科目专题培训", "天", Decimal("8.0"), Category.PUBLIC),
]
# A tiny valid PNG, used as the proof of the demo self-report.
PNG_PROOF = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _policies() -> dict[int, YearPolicy]:
    policies = {}
    for year in YEARS:
        policy, _ = YearPolicy.objects.get_or_create(
            year=year,
            defaults={
                "min_total": Decimal("90.0"),
                "min_public": Decimal("30.0"),
                "min_professional": Decimal("60.0"),
                "teaching_credit_multiplier": Decimal("2.00"),
                "teaching_credit_category": Category.PUBLIC,
            },
        )
        if policy.closes_on is None and year < max(YEARS):
            # Closed years: registration until 31 December, December completions until 31 January.
            policy.closes_on = datetime.date(year, 12, 31)
            policy.grace_from = datetime.date(year, 12, 1)
            policy.grace_until = datetime.date(year + 1, 1, 31)
        policy.review_threshold = policy.review_threshold or Decimal("120.0")
        policy.save()
        for order, (name, unit, hours, category) in enumerate(RULES):
            ConversionRule.objects.get_or_create(
                policy=policy,
                name=name,
                defaults={"unit": unit, "hours_per_unit": hours, "category": category, "order": order},
            )
        policies[year] = policy
    return policies


def _targets(rng: random.Random, profile: str) -> tuple[Decimal, Decimal]:
    def hours(low, high):
        return Decimal(rng.randint(low * 10, high * 10)) / 10

    if profile == "compliant":
        return hours(30, 42), hours(60, 80)
    if profile == "short_public":
        return hours(6, 29), hours(60, 78)
    if profile == "short_professional":
        return hours(30, 50), hours(20, 59)
    return hours(0, 20), hours(0, 40)


def _options(bases) -> dict[tuple[int, str], list]:
    """What the bases may credit per (year, category), as the intake rules allow: published courses on
    their own platforms, and the trainings of their approved work plans (the workshop, the plans'
    third training, is left for the pending demo record)."""
    options = defaultdict(list)
    courses = Course.objects.published().filter(provider__in=bases, platform__owner_id=F("provider_id"))
    for course in courses.order_by("id"):
        for year in YEARS:
            if course.year_from <= year <= course.year_to:
                options[(year, course.category)].append(course)
    trainings = WorkPlanTraining.objects.filter(plan__base__in=bases, plan__status="approved", order__lte=2)
    for training in trainings.select_related("plan").order_by("id"):
        options[(training.plan.year, training.category)].append(training)
    return options


def _records_for(rng, person, year, category, target, options, now, today) -> list[HourRecord]:
    """`target` hours from distinct courses and trainings (each once per person and year)."""
    records, remaining = [], target
    for n, item in enumerate(rng.sample(options, len(options))):
        if remaining <= 0:
            break
        hours = min(remaining, item.hours)
        remaining -= hours
        training = item if isinstance(item, WorkPlanTraining) else None
        course = None if training else item
        completed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        records.append(
            HourRecord(
                professional=person,
                year=year,
                completed_on=min(completed, today),
                category=category,
                hours=hours,
                title=item.title,
                source=HourRecord.Source.OFFLINE if training else HourRecord.Source.PLATFORM,
                course=course,
                training=training,
                recorded_by_id=training.plan.base_id if training else course.provider_id,
                external_ref=f"DEMO-{person.username}-{year}-{category}-{n}",
                status=HourRecord.Status.APPROVED,
                decided_at=now,
            )
        )
    return records


def seed(ctx: DemoContext) -> None:
    rng = random.Random(5_2022)
    _policies()
    bases = [ctx.organisations[name] for name, *_rest in CE_BASES]
    options = _options(bases)
    now = timezone.now()
    today = timezone.localdate()
    records = []
    profiles = ["compliant"] * 5 + ["short_public"] * 2 + ["short_professional"] * 2 + ["starting"]
    for person in ctx.professionals:
        for year in YEARS:
            profile = rng.choice(profiles)
            if person.username == "professional":
                profile = "short_public" if year == max(YEARS) else "compliant"
            public, professional = _targets(rng, profile)
            if person.username == "professional" and year == max(YEARS):
                public, professional = Decimal("18.0"), Decimal("64.0")
            for category, target in ((Category.PUBLIC, public), (Category.PROFESSIONAL, professional)):
                if target > 0:
                    records += _records_for(rng, person, year, category, target, options[(year, category)], now, today)
    HourRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
    summaries = services.rebuild_summaries()

    demo = ctx.users["professional"]
    rule = ConversionRule.objects.get(policy__year=max(YEARS), name=RULES[3][0])
    if not HourRecord.objects.filter(professional=demo, source=HourRecord.Source.SELF_REPORTED).exists():
        services.self_report_hours(
            professional=demo,
            year=max(YEARS),
            title="2026年全省公需科目线下专题培训（济南）",
            completed_on=min(datetime.date(max(YEARS), 10, 16), today),
            conversion_rule=rule,
            quantity=Decimal("1"),
            proof=ContentFile(PNG_PROOF, name="proof.png"),
            external_ref="DEMO-SELF-professional",
        )
    _returned_self_report(ctx, demo, today)
    _pending_offline_training(ctx, demo, today)
    _grace_window_record(ctx, demo)
    _department_requirement(ctx)
    ctx.log(
        f"  学时记录 {HourRecord.objects.count()} 条，年度汇总 {summaries} 条，"
        f"待审核个人申报 {HourRecord.objects.pending().count()} 条"
    )


def _returned_self_report(ctx: DemoContext, demo, today) -> None:
    """A 2026 self-report the employer returned (未通过) with its reason: the demo professional
    corrects it and sends it again as its second version (credits.services.resubmit_self_report)."""
    record, _created = services.self_report_hours(
        professional=demo,
        year=max(YEARS),
        title="2026年全省公需科目线下专题培训（青岛）",
        completed_on=min(datetime.date(max(YEARS), 9, 12), today),
        category=Category.PUBLIC,
        hours=Decimal("12.0"),
        proof=ContentFile(PNG_PROOF, name="proof.png"),
        external_ref="DEMO-RETURNED-professional",
    )
    if record.status == HourRecord.Status.PENDING:
        services.reject_record(
            record_id=record.pk,
            actor=ctx.users["employer"],
            reason="培训实际为1天，按“参加线下公需科目专题培训”每天8学时折算，请更正学时并上传结业证书。",
        )


def _pending_offline_training(ctx: DemoContext, demo, today) -> None:
    """The base posts the demo professional's attendance at a training of its approved 2026 plan,
    through the intake path; the plan was not approved with on-arrival approval, so it waits for
    the employer (`employer` sees it in 学时审核)."""
    base = ctx.organisations[CE_BASES[0][0]]
    training = WorkPlanTraining.objects.filter(plan__base=base, plan__year=max(YEARS), order=3).first()
    if training is None:
        return
    row = {
        "id_number": demo.id_number,
        "year": max(YEARS),
        "category": training.category,
        "hours": str(training.hours),
        "training": training.pk,
        "source": HourRecord.Source.OFFLINE,
        "completed_on": min(datetime.date(max(YEARS), 11, 20), today).isoformat(),
        "external_ref": f"DEMO-TRAINING-{demo.username}-{max(YEARS)}",
    }
    services.record_platform_hours(organisation=base, actor=ctx.users["base"], rows=[row])


def _grace_window_record(ctx: DemoContext, demo) -> None:
    """A December 2025 training registered on 15 January 2026, inside 2025's grace window, so it
    counts for 2025; the employer approved it after the year closed (it was registered in time)."""
    ref = f"u{demo.pk}:DEMO-GRACE-2025"
    employer = employer_of(demo)
    if employer is None or HourRecord.objects.filter(recorded_by=employer, external_ref=ref).exists():
        return
    record = HourRecord.objects.create(
        professional=demo,
        year=2025,
        completed_on=datetime.date(2025, 12, 20),
        category=Category.PUBLIC,
        hours=Decimal("6.0"),
        title="2025年12月公需科目线下专题培训（宽限期内登记）",
        source=HourRecord.Source.SELF_REPORTED,
        recorded_by=employer,
        submitted_by=demo,
        external_ref=ref,
        proof=ContentFile(PNG_PROOF, name="proof.png"),
    )
    registered = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    HourRecord.objects.filter(pk=record.pk, status=HourRecord.Status.PENDING).update(created_at=registered)
    services.approve_record(record_id=record.pk, actor=ctx.users["employer"])


def _department_requirement(ctx: DemoContext) -> None:
    """The health commission requires its hospitals' staff to study the 医养健康 topic in 2026."""
    department = ctx.organisations["山东省卫生健康委员会"]
    topic = Topic.objects.filter(year=max(YEARS), name="医养健康").first()
    if topic is None or Requirement.objects.filter(organisation=department, year=max(YEARS), topic=topic).exists():
        return
    hospitals = [ctx.organisations[name] for name in ("山东省立医院", "青岛市市立医院") if name in ctx.organisations]
    services.set_requirement(
        actor=ctx.users["department"],
        organisation=department,
        year=max(YEARS),
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=topic,
        min_hours=Decimal("6.0"),
        employers=hospitals,
        note="卫生健康行业专业技术人员须学习医养健康专题不少于6学时",
    )
