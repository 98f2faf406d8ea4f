"""Checks of an uploaded file shared by every app: presence, size (GOVHALL_MAX_UPLOAD_BYTES) and type.

The file's type is decided by its first bytes, not by its name or the browser's word: the name's
extension must agree with them. Case documents (cases.services.documents) and the catalogue's blank forms
and samples (catalog) both use these, so a file refused at one place is refused at the other.
"""

from __future__ import annotations

import os
import re
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


# Markup that makes a file a page when a browser sniffs it: a "PDF" that is HTML after its first bytes.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|meta)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(raw: str | None) -> str:
    """The file's own name without any folder (POSIX or Windows separators), or ValidationError on
    `file`: a name with control characters (NUL, newlines) or nothing left is refused, never stored."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if _CONTROL.search(name):
        raise ValidationError(
            {"file": [_("The file name may not contain control characters (such as NUL).")]}
        )
    if name in ("", ".", ".."):
        raise ValidationError({"file": [_("The file needs a name, such as scan.pdf.")]})
    return name[-255:] if len(name) > 255 else name


def _has_markup(upload: File) -> bool:
    upload.seek(0)
    carry = b""
    for chunk in upload.chunks(64 * 1024):
        if _MARKUP.search(carry + chunk):
            return True
        carry = chunk[-16:]
    return False


def _content_error(upload: File, kind: FileType, ext: str) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(m) for m in kind.magic):
        return _("The file's content is not %(ext)s: its name and its content must agree.") % {
            "ext": ext.lstrip(".").upper()
        }
    if _has_markup(upload):
        return _("The file's content is not %(ext)s: it contains web-page markup (HTML).") % {
            "ext": ext.lstrip(".").upper()
        }
    return None


def sniff(upload: File, types: tuple[FileType, ...] = FILE_TYPES) -> FileType:
    """The file's type from its name and its content; ValidationError on `file` otherwise."""
    name = safe_name(upload.name)
    ext = os.path.splitext(name)[1].lower()
    kind = next((t for t in types if ext in t.extensions), None)
    allowed = "、".join(e for t in types for e in t.extensions)
    if kind is None:
        raise ValidationError(
            {"file": [_("Only these file types are accepted: %(types)s.") % {"types": allowed}]}
        )
    try:
        problem = _content_error(upload, kind, ext)
    finally:
        upload.seek(0)
    if problem:
        raise ValidationError({"file": [problem]})
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
