"""Factories for the evaluation: platforms, courses and campaigns with windows around now."""

import datetime
import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from courses.models import Category, Course, LearningPlatform, Mode, Teacher, Topic
from selection import services
from selection.models import Campaign, Phase, PhaseTransition, Recommendation
from tests.factories import OrganisationFactory, user_with_role


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("year", "name")

    year = 2022
    group = Topic.Group.ELECTIVE
    name = "人文素养"


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPlatform

    owner = factory.SubFactory(OrganisationFactory, national_base=True)
    name = factory.Sequence(lambda n: f"继续教育网络学习平台{n}")
    url = "https://jxjy.example.edu.cn"
    audience = "全省专业技术人员"
    department = "继续教育学院"


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    organisation = factory.SubFactory(OrganisationFactory, national_base=True)
    name = factory.Sequence(lambda n: f"教师{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    """A published public online course on its provider's platform (recommendable)."""

    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"公需课{n}")
    category = Category.PUBLIC
    topic = factory.SubFactory(TopicFactory)
    hours = "3.0"
    mode = Mode.ONLINE
    platform = factory.SubFactory(PlatformFactory)
    provider = factory.LazyAttribute(lambda c: c.platform.owner)
    url = "https://jxjy.example.edu.cn/course/1"
    year_from = 2020
    year_to = 2030
    is_original = True
    status = Course.Status.PUBLISHED


# What a recommendation needs besides attachment 3 to be submitted: an original resource whose
# copyright the unit holds, with the platform's learner count and rating.
ELIGIBLE = {"is_original": True, "learner_count": 1200, "rating": Decimal("4.6")}


def pdf_upload(name: str = "pledge.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def open_campaign(year: int = 2022, phase: str = Phase.RECOMMENDATION, **fields) -> Campaign:
    """A campaign whose every window is open now; `phase` decides which one applies."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    values = {
        "recommendation_deadline": now + day,
        "review_start": now - day,
        "review_end": now + day,
        "voting_start": now - day,
        "voting_end": now + day,
        "objection_start": now - day,
        "objection_end": now + day,
        # Most tests score a course with one expert; the minimum has its own tests.
        "min_expert_scores": 1,
        **fields,
    }
    settings = {k: values.pop(k) for k in list(values) if k not in services.default_schedule(year)}
    campaign = services.create_campaign(year=year, **settings)
    # Every window open at once is a test convenience the services would refuse as a schedule.
    Campaign.objects.filter(pk=campaign.pk).update(**values)
    campaign.refresh_from_db()
    if phase != Phase.RECOMMENDATION:
        Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
        PhaseTransition.objects.create(campaign=campaign, from_phase=Phase.RECOMMENDATION, to_phase=phase)
        campaign.refresh_from_db()
    return campaign


def submitted_recommendation(campaign: Campaign, course: Course | None = None, **fields) -> Recommendation:
    """A submitted recommendation, written directly (the phase may be past recommendation)."""
    course = course or CourseFactory()
    rec = Recommendation.objects.create(
        campaign=campaign,
        organisation=course.platform.owner,
        course=course,
        intro="课程及师资简介",
        study_url="https://jxjy.example.edu.cn/course/1",
        test_account="expert",
        test_password="secret-pass",
        status=Recommendation.Status.SUBMITTED,
        submitted_at=timezone.now(),
        **fields,
    )
    return rec


def expert(**kwargs):
    return user_with_role(Role.EXPERT, **kwargs)


def full_marks(campaign: Campaign, fraction: float = 1.0) -> dict:
    return {c.code: str(c.max_score * type(c.max_score)(str(fraction))) for c in campaign.criteria.all()}
