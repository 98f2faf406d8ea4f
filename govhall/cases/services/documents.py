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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.models import Case, CaseDocument, CaseMaterial, EventKind
from govhall.cases.services.common import Recorder, lock_case, require


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str
    magic: tuple[bytes, ...]


# The kinds of document a case file takes: scans (PDF, JPEG, PNG) and OFD, China's electronic document
# format (GB/T 33190, a ZIP container).
FILE_TYPES = (
    FileType((".pdf",), "application/pdf", (b"%PDF-",)),
    FileType((".jpg", ".jpeg"), "image/jpeg", (b"\xff\xd8\xff",)),
    FileType((".png",), "image/png", (b"\x89PNG\r\n\x1a\n",)),
    FileType((".ofd",), "application/ofd", (b"PK\x03\x04",)),
)
ALLOWED_EXTENSIONS = tuple(ext for t in FILE_TYPES for ext in t.extensions)


def max_bytes() -> int:
    return settings.GOVHALL_MAX_UPLOAD_BYTES


def sniff(upload: File) -> FileType:
    """The file's type from its name and its first bytes; ValidationError on `file` otherwise."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    kind = next((t for t in FILE_TYPES if ext in t.extensions), None)
    allowed = "、".join(ALLOWED_EXTENSIONS)
    if kind is None:
        raise ValidationError(
            {"file": [_("Only these file types are accepted: %(types)s.") % {"types": allowed}]}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in kind.magic):
        raise ValidationError(
            {
                "file": [
                    _("The file's content is not %(ext)s: its name and its content must agree.")
                    % {"ext": ext.lstrip(".").upper()}
                ]
            }
        )
    return kind


def check_file(upload: File | None) -> FileType:
    """Presence, size and type of an uploaded file, each with its own message on `file`."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > max_bytes():
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s; at most %(max)s is accepted.")
                    % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
                ]
            }
        )
    return sniff(upload)


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
            name = os.path.basename(file.name)[:255]
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
