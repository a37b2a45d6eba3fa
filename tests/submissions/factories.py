"""Factories for materials: calls with the 2022 deadline, uploads of real tiny files."""

import datetime
import functools
import zoneinfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation
from submissions.models import Call
from submissions.samples import tiny_docx, tiny_pdf
from tests.factories import OrganisationFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DEADLINE_2022 = datetime.datetime(2022, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)
IN_TIME = datetime.datetime(2022, 4, 20, 10, 0, tzinfo=SHANGHAI)


def shanghai(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    year = 2022
    name = "2022年度行业主管部门学习指南或工作通知"
    material = "学习指南或工作通知"
    audience = Call.Audience.DEPARTMENTS
    receiver = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PROVINCIAL_BUREAU)
    deadline = DEADLINE_2022


@functools.cache
def _docx(lines: tuple[str, ...]) -> bytes:
    return tiny_docx(*lines)


def word_upload(name: str = "材料.docx", *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        _docx(lines),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def pdf_upload(name: str = "材料.pdf", text: str = "materials") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")
