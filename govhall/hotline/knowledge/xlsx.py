"""Knowledge entries in and out as XLSX: one sheet 知识库, one row per entry, the export's layout is the
import's. An import is all or nothing: every cell and rule is checked first (titles unique in the file and
against the base, a leaf category, a known unit, dates in order) and every error is listed with its row and
column; nothing is written unless there are none. Rows imported by the centre's approvers are published at
once (approved by them: moving an existing knowledge base in); a unit's rows become its drafts."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from govhall.catalog.models import Department
from govhall.hotline.knowledge import search
from govhall.hotline.knowledge.services import KnowledgeForbidden, clean_text, may_approve, may_write
from govhall.hotline.models import (
    EntryKind,
    KnowledgeCategory,
    KnowledgeEntry,
    KnowledgeVersion,
    VersionState,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "知识库"
# (header, field): the file speaks the centre's language, like the catalogue's workbook.
COLUMNS = [
    ("标题", "title"),
    ("分类", "category"),
    ("内容", "content"),
    ("发布单位", "issuing_unit"),
    ("类别", "kind"),
    ("关键词", "keywords"),
    ("生效日期", "valid_from"),
    ("复审日期", "review_due"),
    ("失效日期", "expires_at"),
    ("所属单位代码", "owner"),
]
HEADER = {field: header for header, field in COLUMNS}
KIND_NAMES = {
    "办事指南": EntryKind.GUIDE,
    "法律法规": EntryKind.LAW,
    "热点问答": EntryKind.HOT,
    "日常咨询": EntryKind.DAILY,
    "通知公告": EntryKind.NOTICE,
    "业务指引": EntryKind.PRACTICE,
}
KIND_OF_VALUE = {value: name for name, value in KIND_NAMES.items()}
MAX_ROWS = 20_000


# --- export ---------------------------------------------------------------------------------------


def workbook_bytes(entries) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([header for header, _field in COLUMNS])
    rows = entries.select_related("published", "category", "owner").order_by("category__path", "title")
    for entry in rows.iterator(chunk_size=2000):
        v = entry.published
        ws.append(
            [
                v.title,
                entry.category.path,
                v.content,
                v.issuing_unit,
                KIND_OF_VALUE.get(v.kind, v.kind),
                v.keywords,
                v.valid_from,
                v.review_due,
                v.expires_at,
                entry.owner.code,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(entries) -> HttpResponse:
    answer = HttpResponse(workbook_bytes(entries), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = 'attachment; filename="knowledge.xlsx"'
    return answer


# --- import ---------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    owner: Department
    category: KnowledgeCategory
    fields: dict[str, Any]


def _where(row: int, field: str | None) -> str:
    if field is None:
        return _("row %(row)s") % {"row": row}
    return _("row %(row)s, column “%(column)s”") % {"row": row, "column": HEADER[field]}


def _date(raw: Any) -> date | str | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        return str(raw)  # clean_text says "give a date"


def _read(upload) -> list[tuple[int, dict[str, Any]]]:
    name = getattr(upload, "name", "") or ""
    try:
        if name and not name.lower().endswith(".xlsx"):
            raise ValueError(name)
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise ValidationError(
            {
                "file": [
                    _("This is not an XLSX workbook (.xlsx); export the knowledge base to see the layout.")
                ]
            }
        ) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    missing = [
        h for h, field in COLUMNS if h not in header and field not in ("owner", "expires_at", "keywords")
    ]
    if missing:
        raise ValidationError(
            {"file": [_("Columns missing in row 1: %(columns)s.") % {"columns": "、".join(missing)}]}
        )
    at = {field: header.index(h) for h, field in COLUMNS if h in header}
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        cell = {field: values[i] if i < len(values) else None for field, i in at.items()}
        out.append((number, cell))
        if len(out) > MAX_ROWS:
            raise ValidationError({"file": [_("At most %(n)s rows per file.") % {"n": MAX_ROWS}]})
    return out


def plan(upload, *, by) -> tuple[list[Row], list[str]]:
    """Every row checked, writing nothing: the rows to create, or every error with its row and column."""
    errors: list[str] = []
    raw = _read(upload)
    categories = {c.path: c for c in KnowledgeCategory.objects.all()}
    parents = {c.parent_id for c in categories.values() if c.parent_id}
    units = {d.code: d for d in Department.objects.all()}
    titles = Counter(str(cell.get("title") or "").strip() for _n, cell in raw)
    rows = []
    for number, cell in raw:
        problems: list[tuple[str | None, str]] = []
        path = str(cell.get("category") or "").strip()
        category = categories.get(path)
        if category is None:
            problems.append(("category", _("Unknown category “%(value)s”.") % {"value": path}))
        elif category.pk in parents:
            problems.append(
                ("category", _("“%(path)s” has sub-categories: choose one of them.") % {"path": path})
            )
        code = str(cell.get("owner") or "").strip()
        owner = units.get(code) if code else getattr(by, "department", None)
        if owner is None:
            problems.append(("owner", _("Unknown unit code “%(value)s”.") % {"value": code}))
        elif not (may_approve(by) or may_write(by, owner.pk)):
            problems.append(("owner", _("You may import entries of your own unit only.")))
        kind = str(cell.get("kind") or "").strip()
        text = {
            "title": cell.get("title"),
            "content": cell.get("content"),
            "issuing_unit": cell.get("issuing_unit"),
            "kind": KIND_NAMES.get(kind, kind),
            "keywords": cell.get("keywords"),
            "valid_from": _date(cell.get("valid_from")),
            "review_due": _date(cell.get("review_due")),
            "expires_at": _date(cell.get("expires_at")),
        }
        fields = {}
        try:
            fields = clean_text(text)
        except ValidationError as error:
            problems.extend(
                (field, message) for field, messages in error.message_dict.items() for message in messages
            )
        title = str(cell.get("title") or "").strip()
        if title and titles[title] > 1:
            problems.append(
                ("title", _("“%(title)s” appears more than once in the file.") % {"title": title})
            )
        if problems:
            errors.extend(f"{_where(number, field)}: {message}" for field, message in problems)
        else:
            rows.append(Row(number, owner, category, fields))
    return rows, errors


def import_entries(upload, *, by, now: datetime) -> list[KnowledgeEntry]:
    """All or nothing: ValidationError on `file` listing every error, or every row written."""
    if not (may_approve(by) or (getattr(by, "department_id", None) and may_write(by, by.department_id))):
        raise KnowledgeForbidden(_("Only the centre's approvers or a unit's staff may import entries."))
    rows, errors = plan(upload, by=by)
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": [_("The file has no entries.")]})
    publish = may_approve(by)
    with transaction.atomic():
        entries = KnowledgeEntry.objects.bulk_create(
            [
                KnowledgeEntry(
                    owner=r.owner,
                    category=r.category,
                    title=r.fields["title"],
                    created_at=now,
                    changed_at=now,
                )
                for r in rows
            ]
        )
        versions = []
        for entry, r in zip(entries, rows, strict=True):
            version = KnowledgeVersion(
                entry=entry,
                number=1,
                state=VersionState.PUBLISHED if publish else VersionState.DRAFT,
                created_at=now,
                created_by=by,
                note=_("Imported from XLSX"),
                published_at=now if publish else None,
                approved_by=by if publish else None,
                **r.fields,
            )
            version.fill_pinyin()  # bulk_create skips save()
            versions.append(version)
        versions = KnowledgeVersion.objects.bulk_create(versions)
        for entry, version in zip(entries, versions, strict=True):
            if publish:
                entry.published = version
            else:
                entry.pending = version
        KnowledgeEntry.objects.bulk_update(entries, ["published" if publish else "pending"])
        transaction.on_commit(search.forget)
    return entries
