"""Blank forms and samples are checked like case documents: type from the content, size limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.catalog.models import FormKind, FormTemplate
from govhall.catalog.tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def form(name: str, data: bytes) -> FormTemplate:
    item = ServiceItemFactory()
    return FormTemplate(
        item=item,
        name="申请表",
        kind=FormKind.SAMPLE,
        material=MaterialFactory(item=item),
        file=SimpleUploadedFile(name, data),
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [("sample.pdf", b"%PDF-1.7 x"), ("blank.docx", b"PK\x03\x04 x"), ("blank.xlsx", b"PK\x03\x04 x")],
)
def test_pdf_and_office_forms_are_accepted(name, data):
    form(name, data).full_clean()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("blank.exe", b"MZ", ".docx"),  # the message lists the allowed types
        ("blank.pdf", b"PK\x03\x04 not a pdf", "PDF"),  # the content must agree with the name
        ("blank.pdf", b"", "empty"),
    ],
)
def test_a_wrong_file_is_refused_on_the_file_field(name, data, words):
    with pytest.raises(ValidationError) as exc, _english():
        form(name, data).full_clean()
    assert words in " ".join(exc.value.message_dict["file"])


def test_a_form_over_the_size_limit_is_refused(settings):
    settings.GOVHALL_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as exc, _english():
        form("big.pdf", b"%PDF-" + b"x" * 2000).full_clean()
    assert "at most 1.0" in " ".join(exc.value.message_dict["file"])


def _english():
    from django.utils import translation

    return translation.override("en")
