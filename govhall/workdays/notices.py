"""Reading the yearly notice (国务院办公厅关于 YYYY 年部分节假日安排的通知) from YAML or CSV.

Both formats are turned into the same list of raw entries, then validated together, so that the rules
and their messages are the same whatever the format. Every problem is collected, none stops the check.
The formats are described in docs/calendar.md; examples are in govhall/workdays/examples/.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import yaml
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from govhall.workdays.calendar import FIRST_YEAR, LAST_YEAR

FORMATS = ("yaml", "csv")
CSV_COLUMNS = ("date_from", "date_to", "kind", "name")
HEADER_FIELDS = ("year", "title", "source")
MAX_REST_RANGE_DAYS = 15
MAX_WORKDAYS_IN_A_ROW = 6
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return _("%(field)s: %(message)s") % {"field": self.field, "message": self.message}
        return _("line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class CalendarInputError(ValueError):
    """Bad calendar input; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RestRange:
    name: str
    start: date
    end: date
    line: int | None = None

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class MakeUpDay:
    name: str
    date: date
    line: int | None = None


@dataclass(frozen=True)
class Notice:
    year: int
    title: str
    source: str
    rest: tuple[RestRange, ...]
    work: tuple[MakeUpDay, ...]
    warnings: tuple[str, ...] = ()

    def days(self) -> dict[date, tuple[bool, str]]:
        """date -> (is_workday, name) for every day the notice names."""
        result = {d: (False, r.name) for r in self.rest for d in r.dates()}
        result.update({w.date: (True, w.name) for w in self.work})
        return result


@dataclass
class _Value:
    text: str
    line: int | None
    label: str


@dataclass
class _Entry:
    kind: _Value | None
    line: int | None
    label: str
    fields: dict[str, _Value] = field(default_factory=dict)
    csv: bool = False


@dataclass
class _Raw:
    header: dict[str, _Value] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------- the two formats


def _read_yaml(text: str) -> _Raw:
    raw = _Raw()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raw.problems.append(Problem(line, "yaml", _("the file is not valid YAML (%s)") % problem))
        return raw
    if root is None:
        raw.problems.append(Problem(None, "file", _("the file is empty")))
        return raw
    if not isinstance(root, yaml.MappingNode):
        raw.problems.append(
            Problem(
                root.start_mark.line + 1,
                "file",
                _("the file must be a mapping of year, title, source, rest, work"),
            )
        )
        return raw
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in HEADER_FIELDS:
            if isinstance(value_node, yaml.ScalarNode):
                raw.header[key] = _Value(str(value_node.value).strip(), line, key)
            else:
                raw.problems.append(Problem(line, key, _("must be a single value")))
        elif key in ("rest", "work"):
            raw.entries += _yaml_entries(key, value_node, raw.problems)
        else:
            raw.problems.append(
                Problem(line, key, _("unknown field; the fields are year, title, source, rest, work"))
            )
    return raw


def _yaml_entries(kind: str, node: yaml.Node, problems: list[Problem]) -> list[_Entry]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(node.start_mark.line + 1, kind, _("must be a list of entries")))
        return []
    allowed = ("name", "from", "to", "date") if kind == "rest" else ("name", "date")
    entries = []
    for i, item in enumerate(node.value):
        line, label = item.start_mark.line + 1, f"{kind}[{i}]"
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(line, label, _("must be a mapping such as {name: …, date: …}")))
            continue
        entry = _Entry(kind=_Value(kind, line, label), line=line, label=label)
        for key_node, value_node in item.value:
            key, key_line = str(key_node.value), key_node.start_mark.line + 1
            if key not in allowed:
                problems.append(
                    Problem(
                        key_line,
                        f"{label}.{key}",
                        _("unknown field; the fields are %(fields)s") % {"fields": ", ".join(allowed)},
                    )
                )
            elif not isinstance(value_node, yaml.ScalarNode):
                problems.append(Problem(key_line, f"{label}.{key}", _("must be a single value")))
            else:
                entry.fields[key] = _Value(str(value_node.value).strip(), key_line, f"{label}.{key}")
        entries.append(entry)
    return entries


def _read_csv(text: str) -> _Raw:
    raw = _Raw()
    columns: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or not stripped.strip(","):
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped[1:].partition(":")
            if sep and key.strip() in HEADER_FIELDS:
                raw.header[key.strip()] = _Value(value.strip(), number, key.strip())
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if columns is None:
            columns = cells
            missing = [c for c in CSV_COLUMNS if c not in cells]
            unknown = [c for c in cells if c not in CSV_COLUMNS]
            if missing or unknown:
                raw.problems.append(
                    Problem(
                        number,
                        "header",
                        _(
                            "the header must name the columns %(columns)s "
                            "(missing: %(missing)s; unknown: %(unknown)s)"
                        )
                        % {
                            "columns": ",".join(CSV_COLUMNS),
                            "missing": ",".join(missing) or "-",
                            "unknown": ",".join(unknown) or "-",
                        },
                    )
                )
                return raw
            continue
        if len(cells) > len(columns):
            raw.problems.append(
                Problem(
                    number,
                    "row",
                    _("has %(found)s cells; the header has %(expected)s")
                    % {
                        "found": len(cells),
                        "expected": len(columns),
                    },
                )
            )
            continue
        row = {c: _Value(v, number, c) for c, v in zip(columns, cells, strict=False) if v}
        entry = _Entry(kind=row.get("kind"), line=number, label="", csv=True)
        if "name" in row:
            entry.fields["name"] = row["name"]
        start, end = row.get("date_from"), row.get("date_to")
        if entry.kind is not None and entry.kind.text == "work":
            if start is not None:
                entry.fields["date"] = start
            if end is not None and (start is None or end.text != start.text):
                raw.problems.append(
                    Problem(
                        number,
                        "date_to",
                        _("a work entry is one day: leave date_to empty or equal to date_from"),
                    )
                )
        elif start is not None:
            # A one-day rest entry may leave date_to empty.
            entry.fields["from"] = start
            entry.fields["to"] = end or start
        elif end is not None:
            entry.fields["to"] = end
        raw.entries.append(entry)
    if columns is None and not raw.problems:
        raw.problems.append(
            Problem(None, "header", _("the file has no header row %s") % ",".join(CSV_COLUMNS))
        )
    return raw


# ---------------------------------------------------------------- the rules


def _weekday_name(d: date) -> str:
    return str(WEEKDAYS[d.weekday()])


def _parse_date(value: _Value, year: int | None, problems: list[Problem]) -> date | None:
    parsed = None
    if _ISO_DATE.match(value.text):
        try:
            parsed = date.fromisoformat(value.text)
        except ValueError:
            parsed = None
    if parsed is None:
        problems.append(
            Problem(value.line, value.label, _("“%s” is not a date in the form YYYY-MM-DD") % value.text)
        )
        return None
    if year is not None and parsed.year != year:
        problems.append(
            Problem(
                value.line,
                value.label,
                _("%(date)s is outside the year %(year)s")
                % {
                    "date": parsed.isoformat(),
                    "year": year,
                },
            )
        )
        return None
    return parsed


def _check_header(raw: _Raw, problems: list[Problem]) -> tuple[int | None, str, str]:
    year = None
    value = raw.header.get("year")
    if value is None or not value.text:
        problems.append(Problem(None, "year", _("missing; the notice must say which year it is for")))
    elif not value.text.isdigit():
        problems.append(Problem(value.line, "year", _("“%s” is not a year") % value.text))
    elif not FIRST_YEAR <= int(value.text) <= LAST_YEAR:
        problems.append(
            Problem(
                value.line,
                "year",
                _("must be between %(first)s and %(last)s")
                % {
                    "first": FIRST_YEAR,
                    "last": LAST_YEAR,
                },
            )
        )
    else:
        year = int(value.text)
    texts = {}
    for key, rule in (
        ("title", _("missing; give the title of the notice")),
        ("source", _("missing; give the notice's URL or document number")),
    ):
        value = raw.header.get(key)
        if value is None or not value.text:
            problems.append(Problem(None, key, rule))
        texts[key] = value.text if value else ""
    return year, texts["title"], texts["source"]


def _check_entry(entry: _Entry, year: int | None, problems: list[Problem]) -> RestRange | MakeUpDay | None:
    if entry.kind is None:
        problems.append(Problem(entry.line, "kind", _("missing; use rest or work")))
        return None
    if entry.kind.text not in ("rest", "work"):
        problems.append(
            Problem(entry.line, entry.kind.label, _("unknown kind “%s”; use rest or work") % entry.kind.text)
        )
        return None
    fields = entry.fields
    name = fields.get("name")
    if name is None or not name.text:
        problems.append(
            Problem(entry.line, _field_label(entry, "name"), _("missing; give the holiday's name"))
        )
    if entry.kind.text == "work":
        if "date" not in fields:
            problems.append(Problem(entry.line, _field_label(entry, "date"), _("missing")))
            return None
        day = _parse_date(fields["date"], year, problems)
        if day is None or name is None:
            return None
        if day.weekday() < 5:
            problems.append(
                Problem(
                    fields["date"].line,
                    fields["date"].label,
                    _(
                        "%(date)s is a %(weekday)s, already a working day; "
                        "a make-up working day (调休上班) falls on a Saturday or Sunday"
                    )
                    % {"date": day.isoformat(), "weekday": _weekday_name(day)},
                )
            )
            return None
        return MakeUpDay(name.text, day, fields["date"].line)
    if "date" in fields and ("from" in fields or "to" in fields):
        problems.append(Problem(entry.line, entry.label, _("give either date or from and to, not both")))
        return None
    if "date" in fields:
        start_value = end_value = fields["date"]
    else:
        start_value, end_value = fields.get("from"), fields.get("to")
        for key, value in (("from", start_value), ("to", end_value)):
            if value is None:
                problems.append(Problem(entry.line, _field_label(entry, key), _("missing")))
        if start_value is None or end_value is None:
            return None
    start = _parse_date(start_value, year, problems)
    end = start if end_value is start_value else _parse_date(end_value, year, problems)
    if start is None or end is None or name is None:
        return None
    if start > end:
        problems.append(
            Problem(
                end_value.line,
                end_value.label,
                _("%(end)s is before the start %(start)s")
                % {
                    "end": end.isoformat(),
                    "start": start.isoformat(),
                },
            )
        )
        return None
    rest = RestRange(name.text, start, end, start_value.line)
    dates = rest.dates()
    if len(dates) > MAX_REST_RANGE_DAYS:
        problems.append(
            Problem(
                end_value.line,
                end_value.label,
                _("a rest range may span at most %(max)s days, this one spans %(days)s")
                % {
                    "max": MAX_REST_RANGE_DAYS,
                    "days": len(dates),
                },
            )
        )
        return None
    if all(d.weekday() >= 5 for d in dates):
        problems.append(
            Problem(
                start_value.line,
                start_value.label,
                _(
                    "%(start)s–%(end)s falls only on Saturday or Sunday, which are rest days anyway; "
                    "a rest range must contain a Monday–Friday day"
                )
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
        )
        return None
    return rest


def _field_label(entry: _Entry, key: str) -> str:
    if entry.csv:
        return {"from": "date_from", "to": "date_to", "date": "date_from"}.get(key, key)
    return f"{entry.label}.{key}"


def _check_clashes(items: list[RestRange | MakeUpDay], problems: list[Problem]) -> None:
    seen: dict[date, RestRange | MakeUpDay] = {}
    for item in items:
        dates = item.dates() if isinstance(item, RestRange) else [item.date]
        for d in dates:
            other = seen.get(d)
            if other is None:
                seen[d] = item
                continue
            kinds = {type(other), type(item)}
            if kinds == {RestRange, MakeUpDay}:
                rule = _("%(date)s is listed both as a rest day (%(rest)s) and as a working day (%(work)s)")
            elif kinds == {RestRange}:
                rule = _("%(date)s is in two rest ranges (%(rest)s)")
            else:
                rule = _("%(date)s is listed twice as a working day (%(work)s)")
            names = {"rest": [], "work": []}
            for x in (other, item):
                names["rest" if isinstance(x, RestRange) else "work"].append(
                    _("%(name)s, line %(line)s") % {"name": x.name, "line": x.line}
                )
            problems.append(
                Problem(
                    item.line,
                    d.isoformat(),
                    rule
                    % {
                        "date": d.isoformat(),
                        "rest": "; ".join(names["rest"]),
                        "work": "; ".join(names["work"]),
                    },
                )
            )


def _long_stretches(year: int, days: dict[date, tuple[bool, str]]) -> list[str]:
    warnings, run = [], []
    d = date(year, 1, 1)
    while d.year == year:
        work = days[d][0] if d in days else d.weekday() < 5
        if work:
            run.append(d)
        if (not work or d == date(year, 12, 31)) and len(run) > MAX_WORKDAYS_IN_A_ROW:
            warnings.append(
                _("%(days)s working days in a row, %(start)s to %(end)s (more than %(max)s)")
                % {
                    "days": len(run),
                    "start": run[0].isoformat(),
                    "end": run[-1].isoformat(),
                    "max": MAX_WORKDAYS_IN_A_ROW,
                }
            )
        if not work:
            run = []
        d += timedelta(days=1)
    return warnings


def parse_notice(text: str, fmt: str) -> Notice:
    """Read and check a notice; raise CalendarInputError listing every problem."""
    if fmt not in FORMATS:
        raise CalendarInputError([Problem(None, "format", _("unknown format “%s”; use yaml or csv") % fmt)])
    raw = _read_yaml(text) if fmt == "yaml" else _read_csv(text)
    problems = list(raw.problems)
    year, title, source = _check_header(raw, problems)
    items = [item for entry in raw.entries if (item := _check_entry(entry, year, problems)) is not None]
    _check_clashes(items, problems)
    rest = tuple(i for i in items if isinstance(i, RestRange))
    work = tuple(i for i in items if isinstance(i, MakeUpDay))
    if not any(e.kind is not None and e.kind.text == "rest" for e in raw.entries):
        problems.append(Problem(None, "rest", _("the notice lists no rest days")))
    if problems:
        problems.sort(key=lambda p: (p.line is not None, p.line or 0))
        raise CalendarInputError(problems)
    assert year is not None
    notice = Notice(year=year, title=title, source=source, rest=rest, work=work)
    return Notice(**{**notice.__dict__, "warnings": tuple(_long_stretches(year, notice.days()))})


def decode(data: bytes) -> str:
    """Uploaded files come as UTF-8 (with or without BOM) or, from Excel on Chinese Windows, GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise CalendarInputError(
                [Problem(None, "file", _("the file is neither UTF-8 nor GB18030 text"))]
            ) from None


def guess_format(filename: str) -> str:
    lowered = filename.lower()
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".csv"):
        return "csv"
    raise CalendarInputError(
        [Problem(None, "file", _("cannot tell the format of “%s”: name it .yaml, .yml or .csv") % filename)]
    )
