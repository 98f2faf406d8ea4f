"""Attach a document (a scan of a material, a result, a letter) to a case.

The file's type is decided by its first bytes, not by its name or the browser's word: the name's
extension must agree with them. The size limit is GOVHALL_MAX_UPLOAD_BYTES. The file is written to the
default storage (a folder on disk, or an object store configured in STORAGES) before the row; if the
transaction fails, the file is removed again, so that nothing is stored that the case does not list.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.models import Case, CaseDocument, CaseMaterial, EventKind
from govhall.cases.services.common import Recorder, lock_case, require

# The file checks live in core so that the catalogue's forms and samples are checked the same way.
from govhall.core.files import (
    ALLOWED_EXTENSIONS,
    FILE_TYPES,
    FileType,
    check_file,
    max_bytes,
    safe_name,
    sniff,
)

__all__ = ["ALLOWED_EXTENSIONS", "FILE_TYPES", "FileType", "add_document", "check_file", "max_bytes", "sniff"]


def add_document(
    case: Case | int,
    *,
    file: File | None,
    material: int | None = None,
    note: str = "",
    result: bool = False,
    by,
    now: datetime,
    expected_version: int | None,
    source: str = "",
) -> CaseDocument:
    """Store `file` and list it on the case (one event, one version step). Who may: anyone who works on
    the case (the hall's clerks, the departments with a step or the item); supervisors only read.

    `result`: the file is the electronic result (电子结果文书) the applicant downloads from the online hall
    once the case is concluded with approval (queries.result_document); it is marked in the event."""
    kind = check_file(file)
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": [_("At most 300 characters.")]})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored: str | None = None
    try:
        with transaction.atomic():
            locked = lock_case(case, expected_version)
            require(by, perms.DOCUMENTS, locked)
            case_material = None
            if material is not None:
                case_material = CaseMaterial.objects.filter(case=locked, pk=material).first()
                if case_material is None:
                    raise ValidationError({"material": [_("No such material on this case.")]})
            name = safe_name(file.name)
            ext = os.path.splitext(name)[1].lower()
            document = CaseDocument(
                case=locked,
                material=case_material,
                name=name,
                content_type=kind.content_type,
                size=file.size,
                sha256=digest.hexdigest(),
                note=note,
                uploaded_by=by,
                uploaded_at=now,
            )
            document.file.save(f"{secrets.token_hex(16)}{ext}", file, save=False)
            stored = document.file.name
            document.save(force_insert=True)
            rec = Recorder(locked, by=by, now=now, source=source)
            rec.record(
                EventKind.DOCUMENT_ADDED,
                data={
                    "document": document.pk,
                    "name": name,
                    "size": document.size,
                    "sha256": document.sha256,
                    **({"material": case_material.material_id} if case_material else {}),
                    **({"result": True} if result else {}),
                },
                reason=note,
            )
            rec.finish()
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return document


@dataclass(frozen=True)
class DocumentIn:
    """One file of a batch (add_documents): the file, the case material row it belongs to, a note."""

    file: File
    material: int | None = None
    note: str = ""


def add_documents(
    case: Case | int,
    *,
    documents: list[DocumentIn],
    by,
    now: datetime,
    expected_version: int | None,
    source: str = "",
) -> list[CaseDocument]:
    """add_document for several files at once (an online application's files at its submission): the
    same checks and one DOCUMENT_ADDED event per file, under one case lock and one version step. All or
    nothing; an error names the file's position in the batch."""
    checked = []
    for index, doc in enumerate(documents):
        try:
            kind = check_file(doc.file)
        except ValidationError as error:
            raise ValidationError({f"documents.{index}": error.messages}) from None
        note = (doc.note or "").strip()
        if len(note) > 300:
            raise ValidationError({f"documents.{index}": [_("At most 300 characters.")]})
        digest = hashlib.sha256()
        for chunk in doc.file.chunks():
            digest.update(chunk)
        doc.file.seek(0)
        checked.append((doc, kind, note, digest.hexdigest()))
    if not checked:
        return []
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = lock_case(case, expected_version)
            require(by, perms.DOCUMENTS, locked)
            wanted = {doc.material for doc, *_rest in checked if doc.material is not None}
            rows = {row.pk: row for row in CaseMaterial.objects.filter(case=locked, pk__in=wanted)}
            if wanted - set(rows):
                raise ValidationError({"material": [_("No such material on this case.")]})
            rows_out = []
            for doc, kind, note, sha256 in checked:
                name = os.path.basename(doc.file.name)[:255]
                ext = os.path.splitext(name)[1].lower()
                document = CaseDocument(
                    case=locked,
                    material=rows.get(doc.material),
                    name=name,
                    content_type=kind.content_type,
                    size=doc.file.size,
                    sha256=sha256,
                    note=note,
                    uploaded_by=by,
                    uploaded_at=now,
                )
                document.file.save(f"{secrets.token_hex(16)}{ext}", doc.file, save=False)
                stored.append(document.file.name)
                rows_out.append(document)
            CaseDocument.objects.bulk_create(rows_out)
            rec = Recorder(locked, by=by, now=now, source=source)
            for document in rows_out:
                rec.record(
                    EventKind.DOCUMENT_ADDED,
                    data={
                        "document": document.pk,
                        "name": document.name,
                        "size": document.size,
                        "sha256": document.sha256,
                        **({"material": document.material.material_id} if document.material else {}),
                    },
                    reason=document.note,
                )
            rec.finish()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return rows_out
