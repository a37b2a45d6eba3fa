"""City and province (issue 14, Done when): the report, then the province reviews the cities'
notices: a return without a comment is refused with the choice kept, the return with its comment
goes through, another unit's notice is accepted after its confirmation page, and the state table
and the accepted files download under Chinese names."""

import pytest
from django.utils import timezone

from submissions.models import Call, Submission

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def pending(call) -> list[Submission]:
    return list(
        Submission.objects.filter(
            call=call, status__in=[Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED]
        ).order_by("pk")
    )


def test_city_and_province_journeys(demo, journey):
    call = Call.objects.get(audience=Call.Audience.CITY_BUREAUS, deadline__gt=timezone.now())
    queue = pending(call)
    assert len(queue) >= 4, "the demo gives the province four cities' notices to review"
    for viewport, (to_return, to_accept) in zip(VIEWPORTS, [queue[0:2], queue[2:4]], strict=True):
        city = journey(viewport, "city", "city")
        city.go("/hours/city/", expect="学时达标情况")
        city.go("/submissions/", expect=call.name)

        province = journey(viewport, "province", "province")
        province.go("/hours/province/", expect="达标")
        province.go("/submissions/review/", expect=call.name)
        page = province.go(f"/submissions/review/calls/{call.pk}/", expect="报送进度")
        assert page.locator(".chart svg rect").count() >= 5
        assert province.smallest_chart_text_px() >= 11, "the progress chart's labels are too small to read"

        # Return: first without a comment, which is refused with 退回修改 still chosen.
        province.go(f"/submissions/{to_return.pk}/", expect=to_return.title)
        page.check("input[name=decision][value=return]")
        province.click("#review button[type=submit]", expect="退回修改时请填写审核意见。")
        assert page.is_checked("input[name=decision][value=return]")
        assert not page.is_checked("input[name=decision][value=accept]")
        page.fill("textarea[name=comment]", "请补充本市2026年度学时要求。")
        province.click("#review button[type=submit]", expect="已退回修改。")
        to_return.refresh_from_db()
        assert to_return.status == Submission.Status.RETURNED
        assert to_return.review_comment == "请补充本市2026年度学时要求。"

        # Accept another: a confirmation page first, nothing changes until it is confirmed.
        province.go(f"/submissions/{to_accept.pk}/", expect=to_accept.title)
        page.check("input[name=decision][value=accept]")
        province.click("#review button[type=submit]", expect="本结论不能撤回")
        to_accept.refresh_from_db()
        assert to_accept.status != Submission.Status.ACCEPTED
        province.click("button", has_text="确认通过", expect="已审核通过。")
        to_accept.refresh_from_db()
        assert to_accept.status == Submission.Status.ACCEPTED

        # Downloads: the state table and the accepted files, named in Chinese.
        province.go(f"/submissions/review/calls/{call.pk}/")
        table = province.download("a", has_text="导出报送情况")
        assert table.suggested_filename == f"{call.name}-报送情况.xlsx"
        files = province.download("a", has_text="下载全部已通过材料")
        assert files.suggested_filename == f"{call.name}-已通过材料.zip"
        province.go(f"/submissions/{to_accept.pk}/", expect="已通过")
        pdf = province.download(f'a[href="/submissions/versions/{to_accept.current_version_id}/pdf/"]')
        assert pdf.suggested_filename == f"{to_accept.title}-第{to_accept.current_version.number}版.pdf"
