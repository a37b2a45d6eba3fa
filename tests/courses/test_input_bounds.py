"""A course from 0001-01-01 to 9999-12-31 is refused in the Excel upload (issue 13, point 3)."""

import pytest

from courses import excel
from courses.models import Course

from .test_excel import row, xlsx

pytestmark = pytest.mark.django_db


def test_an_upload_row_with_absurd_dates_is_refused(base_admin, base):
    result = excel.import_courses(
        actor=base_admin,
        provider=base,
        file=xlsx([row(mode="线下", place="济南", start_date="0001-01-01", end_date="9999-12-31")]),
    )
    assert result.bad_rows == 1 and "合理范围" in result.errors[0].reason
    assert not Course.objects.exists()
