"""What a unit sends is made from its own data: attachments 3/4 from its submitted
recommendations, 填报日期 from the day the data was filled in, the package holding exactly the
unit's own papers."""

import datetime
import zoneinfo

import pytest

from accounts.models import Role
from documents import selectors, targets
from documents.models import Kind
from selection.models import Recommendation
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, PlatformFactory, guide_with_sections, pledge_for, unit_package

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_platform_table_is_dated_the_day_the_unit_last_filled_in_its_platforms():
    platform = PlatformFactory()
    # 23:30 on 19 April UTC is 20 April in Shanghai: the date is the unit's local day.
    when = datetime.datetime(2022, 4, 19, 23, 30, tzinfo=datetime.UTC)
    type(platform).objects.filter(pk=platform.pk).update(updated_at=when)
    assert selectors.platform_table_doc(platform.owner).footer.filled_on == datetime.date(2022, 4, 20)


def test_recommendation_table_holds_only_submitted_courses_dated_the_day_they_were_sent():
    unit, recommendations = unit_package()
    sent = datetime.datetime(2022, 4, 25, 10, 0, tzinfo=SHANGHAI)
    Recommendation.objects.filter(pk__in=[r.pk for r in recommendations]).update(submitted_at=sent)
    draft = CourseFactory(platform=recommendations[0].course.platform, title="草稿课程")
    Recommendation.objects.create(
        campaign=recommendations[0].campaign,
        organisation=unit,
        course=draft,
        intro="简介",
        study_url="https://x.example.cn",
        status=Recommendation.Status.DRAFT,
    )
    table = selectors.recommendation_table_doc(unit, 2022)
    assert [r.course_title for r in table.recommendations] == ["黄河流域生态保护", "职业道德建设"]
    assert table.footer.filled_on == datetime.date(2022, 4, 25)


def _package_parts(unit):
    admin = user_with_role(Role.BASE_ADMIN, unit)
    target = targets.resolve(kind=Kind.PACKAGE, object_id=unit.pk, year=2022, user=admin)
    return [(p.kind, p.doc) for p in target.parts]


def test_each_units_package_holds_exactly_what_that_unit_sends():
    unit, recommendations = unit_package()
    other, other_recs = unit_package_for_another_unit(recommendations[0].campaign)
    withdrawn = Recommendation.objects.create(
        campaign=recommendations[0].campaign,
        organisation=unit,
        course=CourseFactory(platform=recommendations[0].course.platform, title="已撤回课程"),
        intro="简介",
        study_url="https://x.example.cn",
        status=Recommendation.Status.WITHDRAWN,
    )
    pledge_for(withdrawn)
    parts = _package_parts(unit)
    assert [kind for kind, _doc in parts] == [Kind.ATTACHMENT2, Kind.ATTACHMENT3, Kind.ATTACHMENT4, Kind.ATTACHMENT4]
    assert {doc.unit_name for _kind, doc in parts} == {unit.name}
    assert [doc.course_title for kind, doc in parts if kind == Kind.ATTACHMENT4] == ["黄河流域生态保护", "职业道德建设"]
    other_parts = _package_parts(other)
    assert [doc.course_title for kind, doc in other_parts if kind == Kind.ATTACHMENT4] == [
        r.course.title for r in other_recs
    ]


def unit_package_for_another_unit(campaign):
    from tests.selection.factories import submitted_recommendation

    platform = PlatformFactory(name="另一基地学习平台")
    rec = submitted_recommendation(campaign, CourseFactory(platform=platform, title="另一单位的课程"))
    pledge_for(rec)
    return platform.owner, [rec]


def test_a_departments_package_holds_its_own_guide_and_no_other_departments():
    guide = guide_with_sections()
    guide_with_sections(OrganisationFactory(department=True, name="山东省教育厅测试"))
    staff_unit = guide.department
    admin = user_with_role(Role.DEPARTMENT_STAFF, staff_unit)
    target = targets.resolve(kind=Kind.PACKAGE, object_id=staff_unit.pk, year=2022, user=admin)
    assert [(p.kind, p.doc.unit_name) for p in target.parts] == [(Kind.ATTACHMENT1, staff_unit.name)]
