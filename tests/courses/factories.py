"""Factories for the catalogue. Courses default to published public online courses of a city bureau."""

from decimal import Decimal

import factory

from courses.models import (
    Category,
    Course,
    LearningPlatform,
    Mode,
    StudyGuide,
    StudyGuideSection,
    Teacher,
    Topic,
    WorkPlan,
)
from tests.factories import OrganisationFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("year", "name")

    year = 2022
    group = Topic.Group.ELECTIVE
    name = factory.Sequence(lambda n: f"测试专题{n}")


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPlatform

    owner = factory.SubFactory(OrganisationFactory, city_bureau=True)
    name = factory.Sequence(lambda n: f"测试学习平台{n}")
    url = factory.Sequence(lambda n: f"https://platform{n}.example.cn")
    audience = "全省专业技术人员"
    department = "继续教育科"


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    organisation = factory.SubFactory(OrganisationFactory, city_bureau=True)
    name = factory.Sequence(lambda n: f"教师{n}")
    professional_title = "教授"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试课程{n}")
    category = Category.PUBLIC
    topic = factory.SubFactory(TopicFactory)
    hours = Decimal("2.0")
    mode = Mode.ONLINE
    provider = factory.SubFactory(OrganisationFactory, city_bureau=True)
    url = "https://course.example.cn/1"
    year_from = 2022
    year_to = 2022
    status = Course.Status.PUBLISHED

    class Params:
        professional = factory.Trait(
            category=Category.PROFESSIONAL,
            topic=None,
            sector=factory.SubFactory(OrganisationFactory, department=True),
        )

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.set(extracted)


class GuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyGuide

    department = factory.SubFactory(OrganisationFactory, department=True)
    year = 2022
    title = factory.LazyAttribute(lambda g: f"{g.year}年度专业技术人员继续教育指南")
    hours_requirement = "每年累计不少于90学时。"
    learning_forms = "远程教育和线下培训。"
    related_requirements = "按要求学习。"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyGuideSection

    guide = factory.SubFactory(GuideFactory)
    level = 1
    heading = factory.Sequence(lambda n: f"学习内容{n}")


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    base = factory.SubFactory(OrganisationFactory, national_base=True)
    year = 2022
    title = "年度工作计划"
    content = "计划内容"
    status = WorkPlan.Status.APPROVED
