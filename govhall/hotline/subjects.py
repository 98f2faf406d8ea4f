"""Loading the subject tree (诉求分类) from an official code list: `govhall hotline subjects load FILE`.

The file is CSV (UTF-8, with or without BOM) or XLSX (the first sheet) with a header row naming the columns
`code`, `name` and optionally `public` (1/0, true/false, yes/no, 是/否; default 1). Codes are GB/T
39666-style: two digits per level, so 2, 4 or 6 digits, and a child's code starts with its parent's.

The load is all or nothing: every row is checked first (digits only, length 2/4/6, a name of at most 100
characters, the code once in the file, the parent in the file or already in the table), and any error
refuses the whole file with every error listed. A code already in the table gets the file's name and
public flag; new codes are created. Codes missing from the file are kept, unless `prune` is asked for:
then a code no ticket, dispatch rule or kept child uses is deleted and a used one is marked not in use.
Nothing in use is ever deleted."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.hotline.models import DispatchRule, Subject, Ticket

BUNDLED = Path(__file__).resolve().parent / "data" / "subjects.csv"
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"0", "false", "no", "n", "否", "f"}
NAME_LENGTH = 100


@dataclass(frozen=True)
class RowError:
    row: int  # the line of the file (the header is line 1); 0 for an error of the whole file
    field: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return _("row %(row)s, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class SubjectFileRefused(ValueError):
    """The file was refused; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class SubjectLoad:
    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.renamed)} updated, {self.unchanged} unchanged, "
            f"{len(self.reactivated)} back in use, {len(self.deactivated)} no longer in use, "
            f"{len(self.deleted)} deleted"
        )


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    name: str
    public: bool


def read_rows(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: text}) of each non-empty data row of a CSV or XLSX file; refuses an unreadable
    file or one without the code and name columns."""
    if name.lower().endswith(".xlsx"):
        table = _xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        table = _csv(data)
    else:
        raise SubjectFileRefused([RowError(0, "file", _("The file must be .csv or .xlsx."))])
    if not table:
        raise SubjectFileRefused([RowError(0, "file", _("The file is empty."))])
    header = [str(c or "").strip().lower() for c in table[0]]
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise SubjectFileRefused(
            [
                RowError(
                    0,
                    "file",
                    _(
                        "The first row must name the columns code, name and optionally public "
                        "(missing: %(m)s)."
                    )
                    % {"m": ", ".join(missing)},
                )
            ]
        )
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {h: _text(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h}
        if any(values.values()):
            rows.append((line, values))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubjectFileRefused([RowError(0, "file", _("The CSV file must be encoded in UTF-8."))]) from None
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    from govhall.core import xlsx_limits

    try:
        xlsx_limits.check_zip(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except xlsx_limits.WorkbookTooLarge as exc:
        raise SubjectFileRefused([RowError(0, "file", str(exc))]) from None
    except Exception:  # openpyxl raises many kinds on a broken file
        raise SubjectFileRefused(
            [RowError(0, "file", _("The file is not a readable XLSX workbook."))]
        ) from None
    sheet = book.worksheets[0]
    # A code typed as a number loses its leading zero: the column must be text, so say so on the row.
    try:
        return [list(r) for r in xlsx_limits.bounded_rows(sheet, title=sheet.title)]
    except xlsx_limits.WorkbookTooLarge as exc:
        raise SubjectFileRefused([RowError(0, "file", str(exc))]) from None
    finally:
        book.close()


def check_rows(raw: list[tuple[int, dict[str, str]]]) -> tuple[list[Row], list[RowError]]:
    errors: list[RowError] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, values in raw:
        code, name, public = values.get("code", ""), values.get("name", ""), values.get("public", "")
        bad = False
        if not code.isdigit() or not code.isascii():
            errors.append(
                RowError(line, "code", _("“%(code)s” is not made of digits only.") % {"code": code})
            )
            bad = True
        elif len(code) not in (2, 4, 6):
            errors.append(
                RowError(
                    line,
                    "code",
                    _("“%(code)s” has %(n)s digits: a code has 2, 4 or 6 (two per level).")
                    % {"code": code, "n": len(code)},
                )
            )
            bad = True
        elif code in seen:
            errors.append(
                RowError(
                    line,
                    "code",
                    _("“%(code)s” is already on row %(row)s.") % {"code": code, "row": seen[code]},
                )
            )
            bad = True
        if not name:
            errors.append(RowError(line, "name", _("The name is required.")))
            bad = True
        elif len(name) > NAME_LENGTH:
            errors.append(
                RowError(
                    line,
                    "name",
                    _("At most %(n)s characters (this has %(m)s).") % {"n": NAME_LENGTH, "m": len(name)},
                )
            )
            bad = True
        flag = public.lower()
        if flag and flag not in TRUE | FALSE:
            errors.append(
                RowError(line, "public", _("“%(value)s” is not 1 or 0 (yes or no).") % {"value": public})
            )
            bad = True
        if not bad:
            seen[code] = line
            rows.append(Row(line, code, name, flag not in FALSE))
    in_file = {r.code for r in rows}
    parents_needed = {r.code[:-2] for r in rows if len(r.code) > 2} - in_file
    in_table = set(Subject.objects.filter(code__in=parents_needed).values_list("code", flat=True))
    for r in rows:
        parent = r.code[:-2]
        if len(r.code) > 2 and parent not in in_file and parent not in in_table:
            errors.append(
                RowError(
                    r.line,
                    "code",
                    _("The parent “%(parent)s” of “%(code)s” is neither in the file nor in the table.")
                    % {"parent": parent, "code": r.code},
                )
            )
    errors.sort(key=lambda e: (e.row, e.field))
    return rows, errors


def load_subjects(name: str, data: bytes, *, prune: bool = False) -> SubjectLoad:
    """Check the whole file, then write it in one transaction; SubjectFileRefused lists every error."""
    raw = read_rows(name, data)
    with transaction.atomic():
        rows, errors = check_rows(raw)
        if errors:
            raise SubjectFileRefused(errors)
        return _write(rows, prune=prune)


def load_subjects_file(path: str | Path, *, prune: bool = False) -> SubjectLoad:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SubjectFileRefused(
            [RowError(0, "file", _("Cannot read %(path)s: %(e)s") % {"path": path, "e": exc.strerror})]
        ) from None
    return load_subjects(path.name, data, prune=prune)


def load_bundled_subjects() -> SubjectLoad:
    """The GB/T 39666-style list shipped with govhall (12 classes, 40 groups, 120 subjects)."""
    return load_subjects_file(BUNDLED)


def _write(rows: list[Row], *, prune: bool) -> SubjectLoad:
    result = SubjectLoad()
    existing = {s.code: s for s in Subject.objects.select_for_update()}
    made: dict[str, Subject] = {}
    for r in sorted(rows, key=lambda r: (len(r.code), r.code)):  # parents first
        old = existing.get(r.code)
        if old is None:
            parent = (made.get(r.code[:-2]) or existing.get(r.code[:-2])) if len(r.code) > 2 else None
            made[r.code] = Subject.objects.create(
                code=r.code, name=r.name, level=len(r.code) // 2, parent=parent, is_public=r.public
            )
            result.created.append(r.code)
            continue
        made[r.code] = old
        changes = {}
        if old.name != r.name:
            changes["name"] = r.name
        if old.is_public != r.public:
            changes["is_public"] = r.public
        if not old.is_active:
            changes["is_active"] = True
            result.reactivated.append(r.code)
        if changes:
            Subject.objects.filter(pk=old.pk).update(**changes)
            if set(changes) - {"is_active"}:
                result.renamed.append(r.code)
        elif old.is_active:
            result.unchanged += 1
    if prune:
        _prune(existing, {r.code for r in rows}, result)
    return result


def _prune(existing: dict[str, Subject], kept: set[str], result: SubjectLoad) -> None:
    """Codes not in the file: deleted when nothing refers to them, else marked not in use. Children
    first, so a parent whose children all go may go too."""
    gone = [s for code, s in existing.items() if code not in kept]
    used = set(Ticket.objects.filter(subject__in=gone).values_list("subject_id", flat=True))
    used |= set(DispatchRule.objects.filter(subject__in=gone).values_list("subject_id", flat=True))
    for subject in sorted(gone, key=lambda s: -len(s.code)):
        has_children = Subject.objects.filter(parent=subject).exists()
        if subject.pk in used or has_children:
            if subject.is_active:
                Subject.objects.filter(pk=subject.pk).update(is_active=False)
                result.deactivated.append(subject.code)
        else:
            subject.delete()
            result.deleted.append(subject.code)
