"""`manage.py render_document` for operators and scripts."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from documents.checker import check_study_guide_docx
from tests.credits.factories import YearPolicyFactory, approved_record, professional_of
from tests.factories import OrganisationFactory

from .factories import PlatformFactory, guide_with_sections, unit_package
from .helpers import needs_libreoffice, open_docx

pytestmark = pytest.mark.django_db


def test_blank_attachment1_without_object_passes_the_checker(tmp_path):
    out = tmp_path / "blank.docx"
    call_command("render_document", "attachment1", "--format", "docx", "--out", str(out))
    assert check_study_guide_docx(out.open("rb")).ok


def test_study_guide_by_id(tmp_path):
    guide = guide_with_sections()
    out = tmp_path / "guide.docx"
    call_command("render_document", "attachment1", "--object", str(guide.pk), "--out", str(out))
    assert open_docx(out.read_bytes()).paragraphs[1].text == guide.department.name


def test_attachments_2_3_4_from_a_unit_and_its_recommendation(tmp_path):
    unit, recommendations = unit_package()
    for kind, object_id, extra in (
        ("attachment2", unit.pk, []),
        ("attachment3", unit.pk, ["--year", "2022"]),
        ("attachment4", recommendations[0].pk, []),
    ):
        out = tmp_path / f"{kind}.docx"
        call_command("render_document", kind, "--object", str(object_id), *extra, "--out", str(out))
        assert out.read_bytes().startswith(b"PK")
    table = open_docx((tmp_path / "attachment3.docx").read_bytes()).tables[0]
    assert table.rows[1].cells[1].text == "黄河流域生态保护"
    assert "账号：expert" in table.rows[1].cells[4].text


def test_hours_certificate_for_a_compliant_year_masks_the_id_number(tmp_path):
    YearPolicyFactory(year=2022)
    professional = professional_of(OrganisationFactory(name="山东省立医院文书测试"))
    approved_record(professional, hours=Decimal("30"), category="public")
    approved_record(professional, hours=Decimal("60"), category="professional")
    out = tmp_path / "hours.docx"
    call_command(
        "render_document", "hours_certificate", "--object", str(professional.pk), "--year", "2022", "--out", str(out)
    )
    text = "\n".join(p.text for p in open_docx(out.read_bytes()).paragraphs)
    assert professional.id_number not in text
    assert professional.masked_id_number in text
    assert "累计90学时" in text and "30.0" not in text
    code = professional.hour_certificates.get().code
    assert f"验证码：{code}" in text
    assert f"http://127.0.0.1:8000/hours/verify/{code}/" in text


def test_hours_certificate_for_a_year_short_of_hours_is_refused(tmp_path):
    YearPolicyFactory(year=2022)
    professional = professional_of(OrganisationFactory())
    with pytest.raises(CommandError, match="尚未达标"):
        call_command(
            "render_document",
            "hours_certificate",
            "--object",
            str(professional.pk),
            "--year",
            "2022",
            "--out",
            str(tmp_path / "x.docx"),
        )
    assert not (tmp_path / "x.docx").exists()


def test_teacher_certificate(tmp_path):
    from selection.models import ExcellentTeacherCertificate, TeacherPoolEntry

    _unit, recommendations = unit_package()
    course = recommendations[0].course
    from tests.selection.factories import TeacherFactory

    teacher = TeacherFactory(name="李华", unit="山东大学")
    TeacherPoolEntry.objects.create(teacher=teacher, campaign=recommendations[0].campaign, course=course)
    ExcellentTeacherCertificate.objects.create(
        teacher=teacher,
        campaign=recommendations[0].campaign,
        number="SDCEE-2022-0009",
        issued_on=datetime.date(2022, 7, 1),
    )
    out = tmp_path / "t.docx"
    call_command("render_document", "teacher_certificate", "--object", str(teacher.pk), "--out", str(out))
    text = "\n".join(p.text for p in open_docx(out.read_bytes()).paragraphs)
    assert "SDCEE-2022-0009" in text and f"《{course.title}》" in text


def test_unknown_object_and_missing_data_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("render_document", "attachment2", "--object", "999999", "--out", str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="没有登记继续教育学习平台"):
        unit = OrganisationFactory(national_base=True)
        call_command("render_document", "attachment2", "--object", str(unit.pk), "--out", str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="needs --object"):
        call_command("render_document", "attachment2", "--out", str(tmp_path / "a.docx"))


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_output(tmp_path):
    unit = PlatformFactory().owner
    out = tmp_path / "a2.pdf"
    call_command("render_document", "attachment2", "--object", str(unit.pk), "--format", "pdf", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
