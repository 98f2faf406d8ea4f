"""Reading and checking a catalogue workbook: every error of the file, or a plan of what would change.

`plan_import` writes nothing. It reads every sheet, checks every cell and every rule against the file and the
database together, and returns an ImportPlan: either the full list of errors (sheet, row, column, rule) or
what each row would do. `govhall.catalog.services.import_catalogue` applies a plan without errors.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from govhall.catalog.guide_models import parse_options
from govhall.catalog.models import ALLOWED_TRANSITIONS, ItemStatus
from govhall.catalog.rules import hall_errors, item_limit_errors, step_sum_errors
from govhall.catalog.situations import condition_errors
from govhall.catalog.xlsx import export
from govhall.catalog.xlsx.format import (
    DEPARTMENTS,
    HALLS,
    ITEM_CONTENT,
    ITEMS,
    MATERIAL_CONTENT,
    MATERIALS,
    OPTIONAL_SHEETS,
    SHEETS,
    SITUATION_CONTENT,
    SITUATIONS,
    STATUS_LABELS,
    STEP_CONTENT,
    STEPS,
    WINDOWS,
    CellError,
    Sheet,
)
from govhall.core import xlsx_limits

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where = _("%(sheet)s row %(row)s") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where = f"{where} {self.column}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class FileRow:
    number: int  # the row number Excel shows
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # attributes whose cell could not be read
    action: str = UNCHANGED
    # items only
    version: int | None = None
    status_from: str | None = None
    status_to: str | None = None
    content_changed: bool = False
    materials: list[FileRow] = field(default_factory=list)
    steps: list[FileRow] = field(default_factory=list)
    situations: list[FileRow] = field(default_factory=list)

    def __getitem__(self, attr: str) -> Any:
        return self.values[attr]

    def ok(self, *attrs: str) -> bool:
        return not self.bad.intersection(attrs)


MAX_LISTED_ERRORS = 100


class Problems(list):
    """The plan's errors: the first `MAX_LISTED_ERRORS` are kept, the rest only counted (`more`), so a
    file of thousands of bad rows gets a short answer that still says how many there were."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: ImportProblem) -> None:
        if len(self) < MAX_LISTED_ERRORS:
            super().append(problem)
        else:
            self.more += 1

    @property
    def total(self) -> int:
        return len(self) + self.more

    def lines(self) -> list[str]:
        """Each listed error as text, and a last line counting those not listed."""
        lines = [str(e) for e in self]
        if self.more:
            lines.append(_("… and %(n)s more errors, not listed.") % {"n": self.more})
        return lines


@dataclass
class ImportPlan:
    errors: Problems = field(default_factory=Problems)
    rows: dict[str, list[FileRow]] = field(default_factory=dict)
    demoted: dict[tuple[str, int], str] = field(default_factory=dict)  # (code, version) → new status

    def error(self, sheet: Sheet, row: FileRow | int | None, attr: str | None, message: str) -> None:
        number = row.number if isinstance(row, FileRow) else row
        column = sheet.columns[attr].header if attr in sheet.columns else attr
        self.errors.append(ImportProblem(sheet.title, number, column, message))

    def counts(self) -> dict[str, dict[str, int]]:
        """Per sheet: rows that create, update or change nothing (an item status change is an update)."""
        result = {}
        for sheet in (DEPARTMENTS, HALLS, WINDOWS, ITEMS):
            counter = Counter(r.action for r in self.rows.get(sheet.title, []))
            result[sheet.title] = {k: counter.get(k, 0) for k in (CREATED, UPDATED, UNCHANGED)}
        return result

    def published(self) -> list[FileRow]:
        return [
            r for r in self.rows.get(ITEMS.title, []) if r.status_to == ItemStatus.PUBLISHED != r.status_from
        ]

    @property
    def changes_anything(self) -> bool:
        return bool(self.demoted) or any(
            counts[CREATED] or counts[UPDATED] for counts in self.counts().values()
        )


class CatalogueImportRefused(Exception):
    """The file breaks at least one rule; nothing was written. `plan.errors` lists every problem."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("\n".join(plan.errors.lines()))
        self.plan = plan


def plan_import(source: IO[bytes] | str) -> ImportPlan:
    """Read the workbook and check it against the database: `read_workbook` then `check_plan`."""
    return check_plan(read_workbook(source))


def read_workbook(source: IO[bytes] | str) -> ImportPlan:
    """The file's rows, each cell read by its column's rule (no database): the slow part of an import,
    which `services.import_catalogue` does before its transaction so that no write lock is held while
    parsing. The workbook's size is bounded first (govhall.core.xlsx_limits)."""
    plan = ImportPlan()
    try:
        xlsx_limits.check_zip(source)
        workbook = load_workbook(source, read_only=True, data_only=True)
    except xlsx_limits.WorkbookTooLarge as exc:
        plan.errors.append(ImportProblem("", None, None, str(exc)))
        return plan
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        plan.errors.append(ImportProblem("", None, None, _("The file is not an XLSX workbook.")))
        return plan
    try:
        for sheet in SHEETS:
            plan.rows[sheet.title] = _read_sheet(plan, workbook, sheet)
    except xlsx_limits.WorkbookTooLarge as exc:
        plan.errors.append(ImportProblem("", None, None, str(exc)))
        plan.rows.clear()
    finally:
        workbook.close()
    return plan


def check_plan(plan: ImportPlan) -> ImportPlan:
    """The rules across rows and sheets, against the database of this moment; errors sorted by sheet."""
    if plan.errors and any(e.row in (None, 1) for e in plan.errors):
        return plan  # a missing sheet or column, or a file too large: the rows cannot be checked
    _Checker(plan).run()
    order = {sheet.title: index for index, sheet in enumerate(SHEETS)}
    plan.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0))
    return plan


def _read_sheet(plan: ImportPlan, workbook, sheet: Sheet) -> list[FileRow]:
    if sheet.title not in workbook.sheetnames:
        if sheet.title in OPTIONAL_SHEETS:
            return []
        plan.errors.append(ImportProblem(sheet.title, None, None, _("The sheet is missing.")))
        return []
    rows = xlsx_limits.bounded_rows(workbook[sheet.title], title=sheet.title)
    header = next(rows, ())
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        text = str(text).strip() if text is not None else ""
        if text in positions:
            plan.errors.append(ImportProblem(sheet.title, 1, text, _("The column appears twice.")))
        elif text:
            positions[text] = index
    for column in sheet.columns.values():
        if column.header not in positions and not column.optional_column:
            plan.errors.append(
                ImportProblem(sheet.title, 1, column.header, _("The required column is missing."))
            )
    result = []
    for number, cells in enumerate(rows, start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = FileRow(number, {})
        for attr, column in sheet.columns.items():
            index = positions.get(column.header)
            raw = cells[index] if index is not None and index < len(cells) else None
            try:
                row.values[attr] = column.read(raw)
            except CellError as exc:
                row.values[attr] = None
                row.bad.add(attr)
                plan.error(sheet, row, attr, str(exc))
        result.append(row)
    return result


def _unique(plan: ImportPlan, sheet: Sheet, rows: list[FileRow], key, attr: str) -> dict:
    """Index rows by key; a key seen twice is an error on the later row."""
    seen: dict = {}
    for row in rows:
        k = key(row)
        if k is None:
            continue
        if k in seen:
            plan.error(
                sheet,
                row,
                attr,
                _("“%(value)s” is a duplicate of row %(row)s.")
                % {
                    "value": "/".join(str(p) for p in (k if isinstance(k, tuple) else (k,)) if p is not None),
                    "row": seen[k].number,
                },
            )
        else:
            seen[k] = row
    return seen


class _Checker:
    """Cross-row and cross-sheet rules, checked against the file and the database together."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.rows = plan.rows
        self.error = plan.error

    def run(self) -> None:
        self.departments()
        self.halls()
        self.items()
        self.windows()

    def _unknown(self, sheet: Sheet, row: FileRow, attr: str, code: str, what: str) -> None:
        self.error(sheet, row, attr, _("Unknown %(what)s code “%(code)s”.") % {"what": what, "code": code})

    def _action(self, row: FileRow, db_row: dict | None, attrs) -> None:
        if db_row is None:
            row.action = CREATED
        elif any(row[a] != db_row[a] for a in attrs):
            row.action = UPDATED

    # 部门
    def departments(self) -> None:
        rows = self.rows[DEPARTMENTS.title]
        db = {r["code"]: r for r in export.department_rows()}
        by_code = _unique(self.plan, DEPARTMENTS, rows, lambda r: r["code"] if r.ok("code") else None, "code")
        _unique(self.plan, DEPARTMENTS, rows, lambda r: r["name"] if r.ok("name") else None, "name")
        names = {code: r["name"] for code, r in db.items() if code not in by_code}
        owner = {name: code for code, name in names.items()}
        for code, row in by_code.items():
            if row.ok("name") and row["name"] in owner:
                self.error(
                    DEPARTMENTS,
                    row,
                    "name",
                    _("The name “%(name)s” already belongs to department “%(code)s”.")
                    % {"name": row["name"], "code": owner[row["name"]]},
                )
            self._action(row, db.get(code), DEPARTMENTS.columns)
        self.department_codes = set(db) | set(by_code)

    # 大厅
    def halls(self) -> None:
        rows = self.rows[HALLS.title]
        db = {r["code"]: r for r in export.hall_rows()}
        by_code = _unique(self.plan, HALLS, rows, lambda r: r["code"] if r.ok("code") else None, "code")
        levels = {code: r["level"] for code, r in db.items()}
        levels.update({code: r["level"] for code, r in by_code.items()})
        for row in rows:
            if row["department"] and row["department"] not in self.department_codes:
                self._unknown(HALLS, row, "department", row["department"], _("department"))
            parent = row["parent"]
            if parent and parent not in levels:
                self._unknown(HALLS, row, "parent", parent, _("hall"))
            elif row.ok("level"):
                problems = hall_errors(
                    level=row["level"],
                    parent_level=levels.get(parent),
                    has_parent=bool(parent),
                    has_department=bool(row["department"]),
                )
                for attr, messages in problems.items():
                    for message in messages:
                        self.error(HALLS, row, attr, message)
            if row.ok("code"):
                self._action(row, db.get(row["code"]), HALLS.columns)
        self.hall_codes = set(levels)

    # 事项, 材料, 环节
    def items(self) -> None:
        rows = self.rows[ITEMS.title]
        db_rows = export.item_rows()
        db = {(r["code"], r["version"]): r for r in db_rows}
        db_children = self._db_children()
        latest: dict[str, int] = {}
        for r in db_rows:
            latest[r["code"]] = max(latest.get(r["code"], 0), r["version"])
        by_key = _unique(
            self.plan,
            ITEMS,
            rows,
            lambda r: (r["code"], r["version"]) if r.ok("code", "version") else None,
            "code",
        )
        self._attach_children(by_key)
        for row in rows:
            if not row.ok("code", "version"):
                continue
            self._check_item(row)
            self._resolve_version(row, db, db_children, latest)
        for row in rows:
            twin = by_key.get((row["code"], row.version)) if row.ok("code", "version") else None
            if row["version"] is None and twin is not None and twin is not row:
                self.error(
                    ITEMS,
                    row,
                    "version",
                    _("Without a version this row would become version %(version)s, which row %(row)s sets.")
                    % {"version": row.version, "row": twin.number},
                )
        self._check_published(rows, db)
        self.item_codes = {code for code, _v in db} | {r["code"] for r in rows if r.ok("code")}

    def _db_children(self) -> dict[tuple[str, int], dict[str, list]]:
        children: dict[tuple[str, int], dict[str, list]] = defaultdict(
            lambda: {"materials": [], "steps": [], "situations": []}
        )
        for m in export.material_rows():
            children[(m["item"], m["version"])]["materials"].append(tuple(m[a] for a in MATERIAL_CONTENT))
        for s in export.step_rows():
            children[(s["item"], s["version"])]["steps"].append(tuple(s[a] for a in STEP_CONTENT))
        for q in export.situation_rows():
            children[(q["item"], q["version"])]["situations"].append(tuple(q[a] for a in SITUATION_CONTENT))
        return children

    def _attach_children(self, by_key: dict) -> None:
        versions_of: dict[str, list] = defaultdict(list)
        for code, version in by_key:
            versions_of[code].append(version)
        for sheet, kind in ((MATERIALS, "materials"), (STEPS, "steps"), (SITUATIONS, "situations")):
            rows = self.rows[sheet.title]
            for row in rows:
                if not row.ok("item", "version"):
                    continue
                code, version = row["item"], row["version"]
                if version is None and len(versions_of.get(code, [])) > 1:
                    self.error(
                        sheet,
                        row,
                        "version",
                        _("Item “%(code)s” has several versions in the 事项 sheet: give the version.")
                        % {"code": code},
                    )
                    continue
                if version is None and versions_of.get(code):
                    version = versions_of[code][0]
                item_row = by_key.get((code, version))
                if item_row is None:
                    self.error(
                        sheet,
                        row,
                        "item",
                        _("Item “%(code)s” (version %(version)s) is not in the 事项 sheet.")
                        % {"code": code, "version": version if version is not None else "-"},
                    )
                    continue
                getattr(item_row, kind).append(row)
            seen: dict = {}
            for row in rows:
                if row.ok("item", "version", "position"):
                    key = (row["item"], row["version"], row["position"])
                    if key in seen:
                        self.error(
                            sheet,
                            row,
                            "position",
                            _("“%(value)s” is a duplicate of row %(row)s.")
                            % {"value": row["position"], "row": seen[key].number},
                        )
                    seen[key] = row
        for item_row in by_key.values():
            for kind in ("materials", "steps", "situations"):
                getattr(item_row, kind).sort(key=lambda r: (r["position"] or 0, r.number))

    def _check_item(self, row: FileRow) -> None:
        if row.ok("department") and row["department"] not in self.department_codes:
            self._unknown(ITEMS, row, "department", row["department"], _("department"))
        for code in row["halls"] or ():
            if code not in self.hall_codes:
                self._unknown(ITEMS, row, "halls", code, _("hall"))
        if row.ok("legal_limit", "promised_limit", "case_kind"):
            for attr, messages in item_limit_errors(
                legal_limit=row["legal_limit"],
                promised_limit=row["promised_limit"],
                case_kind=row["case_kind"],
            ).items():
                for message in messages:
                    self.error(ITEMS, row, attr, message)
        if row.ok("promised_limit") and row.steps and all(s.ok("limit_days") for s in row.steps):
            for messages in step_sum_errors(
                promised_limit=row["promised_limit"], step_limits=[s["limit_days"] for s in row.steps]
            ).values():
                for message in messages:
                    self.error(STEPS, row.steps[0], "limit_days", message)
        self._check_situations(row)

    def _check_situations(self, row: FileRow) -> None:
        """Each question's options read, keys unique in the item, each material's condition names them."""
        known: dict[str, list[str]] = {}
        for question in row.situations:
            if not question.ok("key", "options"):
                continue
            if question["key"] in known:
                self.error(
                    SITUATIONS,
                    question,
                    "key",
                    _("The question key “%(key)s” appears twice.") % {"key": question["key"]},
                )
            try:
                known[question["key"]] = [k for k, _label in parse_options(question["options"])]
            except ValueError as exc:
                self.error(SITUATIONS, question, "options", str(exc))
                known[question["key"]] = []
        for material in row.materials:
            if material.ok("applies_when") and material["applies_when"]:
                for message in condition_errors(material["applies_when"], known):
                    self.error(MATERIALS, material, "applies_when", message)

    @staticmethod
    def _content(row: FileRow) -> tuple:
        return (
            tuple(row[a] for a in ITEM_CONTENT),
            [tuple(m[a] for a in MATERIAL_CONTENT) for m in row.materials],
            [tuple(s[a] for a in STEP_CONTENT) for s in row.steps],
            [tuple(q[a] for a in SITUATION_CONTENT) for q in row.situations],
        )

    def _resolve_version(self, row: FileRow, db: dict, db_children: dict, latest: dict[str, int]) -> None:
        """Which version the row writes, whether it changes it, and the status it ends in."""
        code = row["code"]
        content = self._content(row)

        def db_content(version: int) -> tuple:
            children = db_children.get((code, version), {"materials": [], "steps": [], "situations": []})
            return (
                tuple(db[(code, version)][a] for a in ITEM_CONTENT),
                children["materials"],
                children["steps"],
                children["situations"],
            )

        version = row["version"]
        if version is None:  # "import as a new version" unless nothing changed or the latest is a draft
            last = latest.get(code)
            if last is None:
                version = 1
            elif db_content(last) == content or db[(code, last)]["status"] == ItemStatus.DRAFT:
                version = last
            else:
                version = last + 1
        row.version = version
        stored = db.get((code, version))
        if stored is None:
            row.action = CREATED
            row.content_changed = True
            row.status_to = row["status"] or ItemStatus.DRAFT
            return
        row.status_from = stored["status"]
        row.status_to = row["status"] or stored["status"]
        changed = row.content_changed = db_content(version) != content
        if row.status_to != row.status_from and row.status_to not in ALLOWED_TRANSITIONS[row.status_from]:
            self.error(
                ITEMS,
                row,
                "status",
                _("Version %(version)s is “%(from)s” and cannot become “%(to)s”.")
                % {
                    "version": version,
                    "from": STATUS_LABELS[row.status_from],
                    "to": STATUS_LABELS[row.status_to],
                },
            )
        if changed and row.status_from != ItemStatus.DRAFT:
            self.error(
                ITEMS,
                row,
                "version",
                _(
                    "Version %(version)s is “%(status)s” and cannot be changed: leave the version empty to "
                    "import the change as a new version."
                )
                % {"version": version, "status": STATUS_LABELS[row.status_from]},
            )
        row.action = UPDATED if changed or row.status_to != row.status_from else UNCHANGED

    def _check_published(self, rows: list[FileRow], db: dict) -> None:
        """At most one published version per code; publishing one supersedes the stored published one."""
        in_file = {(r["code"], r.version) for r in rows if r.version is not None}
        publishing: dict[str, FileRow] = {}
        for row in rows:
            if row.version is None or row.status_to != ItemStatus.PUBLISHED:
                continue
            code = row["code"]
            if code in publishing:
                self.error(
                    ITEMS,
                    row,
                    "status",
                    _("Item “%(code)s” is already published in row %(row)s; only one version is published.")
                    % {"code": code, "row": publishing[code].number},
                )
                continue
            publishing[code] = row
        for (code, version), stored in db.items():
            if (
                code in publishing
                and stored["status"] == ItemStatus.PUBLISHED
                and (code, version) not in in_file
            ):
                self.plan.demoted[(code, version)] = ItemStatus.SUPERSEDED
        for row in rows:
            if row.version is not None and row.status_from == ItemStatus.PUBLISHED != row.status_to:
                self.plan.demoted[(row["code"], row.version)] = row.status_to

    # 窗口
    def windows(self) -> None:
        rows = self.rows[WINDOWS.title]
        db = {(r["hall"], r["number"]): r for r in export.window_rows()}
        _unique(
            self.plan,
            WINDOWS,
            rows,
            lambda r: (r["hall"], r["number"]) if r.ok("hall", "number") else None,
            "number",
        )
        for row in rows:
            if row.ok("hall") and row["hall"] not in self.hall_codes:
                self._unknown(WINDOWS, row, "hall", row["hall"], _("hall"))
            for code in row["departments"] or ():
                if code not in self.department_codes:
                    self._unknown(WINDOWS, row, "departments", code, _("department"))
            for code in row["items"] or ():
                if code not in self.item_codes:
                    self._unknown(WINDOWS, row, "items", code, _("item"))
            if row.ok("hall", "number"):
                self._action(row, db.get((row["hall"], row["number"])), WINDOWS.columns)
