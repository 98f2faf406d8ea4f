"""Checks of an uploaded file shared by every app: presence, size (GOVHALL_MAX_UPLOAD_BYTES) and type.

The file's type is decided by its first bytes, not by its name or the browser's word: the name's
extension must agree with them. Case documents (cases.services.documents) and the catalogue's blank forms
and samples (catalog) both use these, so a file refused at one place is refused at the other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


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

# Blank forms and filled samples of the catalogue: the case types, plus the office formats that citizens
# fill in on a computer (DOCX and XLSX are ZIP containers too).
FORM_FILE_TYPES = (
    *FILE_TYPES,
    FileType(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    FileType(
        (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)
    ),
)


def max_bytes() -> int:
    return settings.GOVHALL_MAX_UPLOAD_BYTES


def sniff(upload: File, types: tuple[FileType, ...] = FILE_TYPES) -> FileType:
    """The file's type from its name and its first bytes; ValidationError on `file` otherwise."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    kind = next((t for t in types if ext in t.extensions), None)
    allowed = "、".join(e for t in types for e in t.extensions)
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


def check_file(upload: File | None, types: tuple[FileType, ...] = FILE_TYPES) -> FileType:
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
    return sniff(upload, types)
