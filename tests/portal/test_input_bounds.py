"""Uploads are parsed before they are accepted; texts have a maximum length and dates a sane
range on every form and API input (issue 13, point 3)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from portal import bounds
from portal.uploads import DOCX, MAX_NAME_LENGTH, validate_upload


def _docx() -> bytes:
    document = Document()
    document.add_paragraph("继续教育")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewritten(replace: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    target.writestr(item.filename, replace[item.filename])
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def _check(content: bytes, name: str = "材料.docx") -> str:
    return validate_upload(SimpleUploadedFile(name, content), allowed={DOCX}, max_bytes=5 * 1024 * 1024)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)


def test_a_sound_word_file_is_accepted():
    assert _check(_docx()) == DOCX


@pytest.mark.parametrize(
    "replace",
    [
        pytest.param({"word/document.xml": b"<w:document><w:body><w:p>"}, id="broken-xml"),
        pytest.param({"word/document.xml": LAUGHS}, id="entity-expansion"),
        pytest.param({"word/_rels/document.xml.rels": b"not xml"}, id="broken-relationships"),
        pytest.param({"_rels/.rels": None}, id="missing-package-relationships"),
    ],
)
def test_a_word_file_that_cannot_be_opened_is_refused_in_chinese(replace):
    with pytest.raises(ValidationError) as exc:
        _check(_rewritten(replace))
    assert exc.value.code in ("corrupt", "wrong_type")
    assert "Word" in exc.value.messages[0]


def test_an_overlong_file_name_is_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        _check(_docx(), name="很" * MAX_NAME_LENGTH + ".docx")
    assert exc.value.code == "name_too_long" and "文件名过长" in exc.value.messages[0]
    assert _check(_docx(), name="很" * (MAX_NAME_LENGTH - 5) + ".docx") == DOCX


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1989-12-31", "2100-01-01"])
def test_a_course_form_refuses_dates_outside_the_sane_range(day):
    from courses.forms import CourseForm

    field = CourseForm.base_fields["start_date"]
    with pytest.raises(ValidationError) as exc:
        field.clean(day)
    assert "合理范围" in exc.value.messages[0]
    assert field.clean("2022-05-01").isoformat() == "2022-05-01"


def test_every_model_text_field_on_a_form_has_a_maximum_length():
    from courses.forms import CourseForm

    field = CourseForm.base_fields["description"]
    assert field.max_length == bounds.TEXT_MAX_LENGTH
    with pytest.raises(ValidationError):
        field.clean("长" * (bounds.TEXT_MAX_LENGTH + 1))


def test_api_serializers_bound_texts_and_dates_and_the_schema_says_so():
    from courses.api import CourseWriteSerializer

    fields = CourseWriteSerializer().fields
    assert fields["description"].max_length == bounds.TEXT_MAX_LENGTH
    serializer = CourseWriteSerializer(data={"start_date": "0001-01-01", "end_date": "9999-12-31"}, partial=True)
    assert not serializer.is_valid()
    assert "合理范围" in str(serializer.errors["start_date"][0]) and "end_date" in serializer.errors


@pytest.mark.django_db
def test_the_api_schema_states_text_lengths(client):
    schema = client.get("/api/schema/?format=json").json()
    description = schema["components"]["schemas"]["CourseWrite"]["properties"]["description"]
    assert description["maxLength"] == bounds.TEXT_MAX_LENGTH


def test_declared_date_fields_of_forms_and_serializers_have_the_range_too():
    from django import forms
    from rest_framework import serializers

    for field in (forms.DateField(), forms.DateTimeField()):
        with pytest.raises(ValidationError):
            field.clean("0001-01-01")
    for field in (serializers.DateField(), serializers.DateTimeField()):
        with pytest.raises(serializers.ValidationError):
            field.run_validation("9999-12-31")
    assert serializers.DateField().run_validation("2022-05-01").year == 2022


def test_declared_text_inputs_of_forms_and_serializers_are_bounded_too():
    from django import forms
    from rest_framework import serializers

    too_long = "长" * (bounds.TEXT_MAX_LENGTH + 1)
    with pytest.raises(ValidationError):
        forms.CharField().clean(too_long)
    with pytest.raises(serializers.ValidationError):
        serializers.CharField().run_validation(too_long)
    assert forms.CharField(max_length=10).max_length == 10  # a field's own limit stands
    assert serializers.CharField(read_only=True).max_length is None  # output only: nothing to bound
