"""Several documents at once (add_documents): the same checks as one at a time, one event per file, one
case lock and one version step; all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.models import CaseDocument, CaseEvent
from govhall.cases.tests.test_documents import NOW, PDF, PNG, media, upload  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_batch_lists_every_file_with_one_event_each_and_one_version_step(world, media):  # noqa: F811
    case = world.receive(NOW)
    rows = dict(case.materials.values_list("material__name", "pk"))
    before = case.version
    documents = services.add_documents(
        case,
        documents=[
            services.DocumentIn(file=upload("申请书.pdf", PDF), material=rows["申请书"]),
            services.DocumentIn(file=upload("营业执照.png", PNG), material=rows["营业执照"], note="副本"),
        ],
        by=world.users["clerk"],
        now=NOW,
        expected_version=before,
    )
    assert [(d.name, d.material_id) for d in documents] == [
        ("申请书.pdf", rows["申请书"]),
        ("营业执照.png", rows["营业执照"]),
    ]
    assert all((media / d.file.name).read_bytes() for d in documents)
    events = CaseEvent.objects.filter(case=case, kind="document_added").order_by("seq")
    assert [e.data["document"] for e in events] == [d.pk for d in documents]
    case.refresh_from_db()
    assert case.version == before + 1


def test_one_bad_file_refuses_the_batch_naming_its_place_and_stores_nothing(world, media):  # noqa: F811
    case = world.receive(NOW)
    with pytest.raises(ValidationError) as error:
        services.add_documents(
            case,
            documents=[
                services.DocumentIn(file=upload("ok.pdf", PDF)),
                services.DocumentIn(file=upload("scan.pdf", PNG)),  # a PNG named .pdf
            ],
            by=world.users["clerk"],
            now=NOW,
            expected_version=None,
        )
    assert "documents.1" in error.value.message_dict
    assert not CaseDocument.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_a_material_of_another_case_refuses_the_batch(world, media):  # noqa: F811
    case, other = world.receive(NOW), world.receive(NOW)
    foreign = other.materials.first().pk
    with pytest.raises(ValidationError):
        services.add_documents(
            case,
            documents=[services.DocumentIn(file=upload("ok.pdf", PDF), material=foreign)],
            by=world.users["clerk"],
            now=NOW,
            expected_version=None,
        )
    assert not CaseDocument.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True
