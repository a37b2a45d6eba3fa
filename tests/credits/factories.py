"""Factories for the hour ledger."""

import datetime
import json
from decimal import Decimal

import factory

from accounts.models import Organisation, Role
from courses.models import Category, Course, Mode, Topic
from credits.models import ConversionRule, HourRecord, YearPolicy
from tests.factories import OrganisationFactory, ProfessionalUserFactory, user_with_role


class YearPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearPolicy
        django_get_or_create = ("year",)
        skip_postgeneration_save = True  # the conversion rule hook saves rules, not the policy

    year = 2022
    min_total = Decimal("90.0")
    min_public = Decimal("30.0")
    min_professional = Decimal("60.0")
    teaching_credit_multiplier = Decimal("2.00")
    teaching_credit_category = Category.PUBLIC

    @factory.post_generation
    def conversion_rules(obj, create, extracted, **kwargs):
        """Self-reports are capped by a maximum the year's conversion rules give: one rule (up to
        80 hours a record) unless the test passes `conversion_rules=[]`."""
        if create and extracted is None and not obj.conversion_rules.exists():
            ConversionRule.objects.create(
                policy=obj,
                name="参加学术会议（测试）",
                unit="天",
                hours_per_unit=Decimal("8.0"),
                max_units=Decimal("10.0"),
                category=Category.PROFESSIONAL,
                order=99,
            )


# A tiny valid PNG: the proof every self-report needs.
PNG_PROOF = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def proof_file(name="proof.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG_PROOF, content_type="image/png")


class ConversionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversionRule

    policy = factory.SubFactory(YearPolicyFactory)
    name = factory.Sequence(lambda n: f"发表论文{n}")
    unit = "篇"
    hours_per_unit = Decimal("10.0")
    category = Category.PROFESSIONAL


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    year = 2022
    group = Topic.Group.REQUIRED
    name = factory.Sequence(lambda n: f"专题{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"课程{n}")
    category = Category.PUBLIC
    topic = factory.SubFactory(TopicFactory)
    hours = Decimal("6.0")
    mode = Mode.ONLINE
    provider = factory.SubFactory(OrganisationFactory, national_base=True)
    # Platform rows are approved only for courses on the sender's own learning platform.
    platform = factory.SubFactory("tests.courses.factories.PlatformFactory", owner=factory.SelfAttribute("..provider"))
    year_from = 2021
    year_to = 2026
    status = Course.Status.PUBLISHED


def approved_record(professional, *, hours, category=Category.PUBLIC, year=2022, recorded_by=None, **fields):
    """An approved ledger line written through the service, so the summary follows."""
    from credits.services.ledger import _insert

    recorded_by = recorded_by or OrganisationFactory(national_base=True)
    record, _created = _insert(
        HourRecord(
            professional=professional,
            year=year,
            completed_on=datetime.date(year, 6, 1),
            category=category,
            hours=Decimal(str(hours)),
            recorded_by=recorded_by,
            status=HourRecord.Status.APPROVED,
            **{"source": HourRecord.Source.OFFLINE, **fields},
        )
    )
    return record


def plan_training(base, *, year=2022, hours="8.0", category=Category.PROFESSIONAL, on_arrival=False, **plan):
    """A training listed in the base's work plan of the year (approved unless `status` says otherwise)."""
    from courses.models import WorkPlan, WorkPlanTraining
    from tests.courses.factories import WorkPlanFactory

    plan = WorkPlan.objects.filter(base=base, year=year).first() or WorkPlanFactory(
        base=base, year=year, approved_on_arrival=on_arrival, **plan
    )
    return WorkPlanTraining.objects.create(
        plan=plan, title=f"线下培训{WorkPlanTraining.objects.count() + 1}", hours=Decimal(hours), category=category
    )


def professional_of(employer: Organisation, **fields):
    return user_with_role(Role.PROFESSIONAL, employer, **fields)


__all__ = ["ProfessionalUserFactory", "approved_record", "plan_training", "professional_of", "proof_file"]


def post(client, url, data):
    """POST `data` as JSON, as the learning platforms do."""
    return client.post(url, json.dumps(data), content_type="application/json")
