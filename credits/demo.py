"""Demo hours for `manage.py seed_demo`: policies 2021-2026 and ledgers over those years with a mix
of compliant people, people short on public hours and people short on professional hours.

Idempotent: records have deterministic external_refs and are bulk-inserted with ignore_conflicts;
summaries are rebuilt from the ledger afterwards."""

import datetime
import itertools
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.demo import CE_BASES, DemoContext
from courses.models import Category, Course

from . import services
from .models import ConversionRule, HourRecord, YearPolicy

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
        for order, (name, unit, hours, category) in enumerate(RULES):
            ConversionRule.objects.get_or_create(
                policy=policy,
                name=name,
                defaults={"unit": unit, "hours_per_unit": hours, "category": category, "order": order},
            )
        policies[year] = policy
    return policies


def _split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """`total` hours as `parts` positive one-decimal pieces."""
    tenths = int(total * 10)
    cuts = sorted(rng.sample(range(1, tenths), parts - 1)) if parts > 1 and tenths > parts else []
    edges = [0, *cuts, tenths]
    return [Decimal(b - a) / 10 for a, b in itertools.pairwise(edges) if b > a]


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


def seed(ctx: DemoContext) -> None:
    rng = random.Random(5_2022)
    _policies()
    bases = [ctx.organisations[name] for name, *_rest in CE_BASES]
    courses = {
        (c.provider_id, c.category): c for c in Course.objects.published().filter(provider__in=bases).order_by("id")
    }
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
                if target <= 0:
                    continue
                for n, hours in enumerate(_split(rng, target, rng.randint(1, 5))):
                    base = rng.choice(bases)
                    course = courses.get((base.pk, category))
                    if course is not None and (hours > course.hours or not course.year_from <= year <= course.year_to):
                        course = None  # what a platform could not credit: more than the course, or not offered
                    completed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    records.append(
                        HourRecord(
                            professional=person,
                            year=year,
                            completed_on=min(completed, today),
                            category=category,
                            hours=hours,
                            title=course.title if course else f"{base.short_name or base.name}线下培训",
                            source=HourRecord.Source.PLATFORM if course else HourRecord.Source.OFFLINE,
                            course=course,
                            recorded_by=base,
                            external_ref=f"DEMO-{person.username}-{year}-{category}-{n}",
                            status=HourRecord.Status.APPROVED,
                            decided_at=now,
                        )
                    )
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
    ctx.log(
        f"  学时记录 {HourRecord.objects.count()} 条，年度汇总 {summaries} 条，"
        f"待审核个人申报 {HourRecord.objects.pending().count()} 条"
    )
