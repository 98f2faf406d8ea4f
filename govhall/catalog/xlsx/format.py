"""The catalogue workbook format: one sheet per concept, Chinese column headers (docs/catalog.md).

The headers and the Chinese value labels below are the file format itself, not interface text, so they are
constants and not translated. Every column knows how to read a cell into a normalised value and how to
write one back; export and import share these definitions, which is what makes a round trip exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govhall.catalog.models import CaseKind, HallLevel, ItemStatus, ItemType, MaterialMedium

YES, NO = "是", "否"
TRUE_WORDS = {YES, "y", "yes", "true", "1", "t"}
FALSE_WORDS = {NO, "n", "no", "false", "0", "f"}

HALL_LEVEL_LABELS = {
    HallLevel.CENTRE: "市级中心",
    HallLevel.SUB_HALL: "分大厅",
    HallLevel.TOWNSHIP: "乡镇大厅",
    HallLevel.POINT: "村(社区)服务点",
}
ITEM_TYPE_LABELS = {
    ItemType.LICENCE: "行政许可",
    ItemType.CONFIRMATION: "行政确认",
    ItemType.ADJUDICATION: "行政裁决",
    ItemType.BENEFIT: "行政给付",
    ItemType.AWARD: "行政奖励",
    ItemType.FILING: "行政备案",
    ItemType.OTHER_POWER: "其他行政权力",
    ItemType.PUBLIC_SERVICE: "公共服务",
}
CASE_KIND_LABELS = {CaseKind.IMMEDIATE: "即办件", CaseKind.COMMITTED: "承诺件"}
STATUS_LABELS = {
    ItemStatus.DRAFT: "草稿",
    ItemStatus.PUBLISHED: "已发布",
    ItemStatus.SUPERSEDED: "已替代",
    ItemStatus.WITHDRAWN: "已撤回",
}
REQUIRED_LABELS = {True: "必要", False: "非必要"}
MEDIUM_LABELS = {
    MaterialMedium.PAPER: "纸质",
    MaterialMedium.ELECTRONIC: "电子",
    MaterialMedium.BOTH: "纸质或电子",
}


class CellError(ValueError):
    """A cell that cannot be read; the message names the rule."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | int | bool | enum | codes
    required: bool = False  # the cell must not be empty
    optional_column: bool = False  # the column may be missing from the sheet
    default: Any = ""
    labels: dict[Any, str] = field(default_factory=dict)  # enum: value → Chinese label
    max_length: int | None = None

    def read(self, raw: Any) -> Any:
        """Cell value → normalised value (str, int, bool, enum value, tuple of codes). Raises CellError."""
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if self.required:
                raise CellError(_("This cell is required."))
            return self.default
        if self.kind == "int":
            return _read_int(raw)
        if self.kind == "bool":
            return _read_bool(raw)
        if self.kind == "enum":
            text = _text(raw)
            for value, label in self.labels.items():
                if text in (label, str(value)):
                    return value if isinstance(value, bool) else str(value)
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": "、".join(self.labels.values())}
            )
        if self.kind == "codes":
            codes = [c.strip() for c in _text(raw).replace("，", ",").replace("、", ",").split(",")]
            return tuple(sorted({c for c in codes if c}))
        text = _text(raw)
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("At most %(max)s characters (this one has %(n)s).")
                % {"max": self.max_length, "n": len(text)}
            )
        return text

    def write(self, value: Any) -> Any:
        if self.kind == "bool":
            return YES if value else NO
        if self.kind == "enum":
            return self.labels.get(value, value)
        if self.kind == "codes":
            return ",".join(value)
        return value


def _text(raw: Any) -> str:
    # Excel turns codes and phone numbers typed as digits into numbers: read them back as digits.
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _read_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError(_("“%(value)s” is not a whole number of 0 or more.") % {"value": raw})
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if not isinstance(raw, int) or raw < 0:
        raise CellError(_("“%(value)s” is not a whole number of 0 or more.") % {"value": raw})
    return raw


def _read_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” must be “是” or “否”.") % {"value": raw})


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: dict[str, Column]  # attribute name → column

    def column(self, attr: str) -> Column:
        return self.columns[attr]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns.values()]


DEPARTMENTS = Sheet(
    "部门",
    {
        "code": Column("编码", required=True, max_length=32),
        "name": Column("名称", required=True, max_length=100),
        "short_name": Column("简称", max_length=30),
        "is_resident": Column("是否进驻", kind="bool", default=True),
        "phone": Column("电话", max_length=30),
        "sort_order": Column("排序", kind="int", default=0),
    },
)
HALLS = Sheet(
    "大厅",
    {
        "code": Column("编码", required=True, max_length=32),
        "name": Column("名称", required=True, max_length=100),
        "level": Column("层级", kind="enum", required=True, labels=HALL_LEVEL_LABELS),
        "parent": Column("上级大厅编码"),
        "department": Column("主管部门编码"),
        "address": Column("地址", max_length=200),
        "opening_hours": Column("办公时间", max_length=200),
        "phone": Column("电话", max_length=30),
        "region_code": Column("区划代码", max_length=12),
    },
)
WINDOWS = Sheet(
    "窗口",
    {
        "hall": Column("大厅编码", required=True),
        "number": Column("窗口号", required=True, max_length=10),
        "name": Column("名称", required=True, max_length=100),
        "departments": Column("服务部门编码", kind="codes", default=()),
        "items": Column("服务事项编码", kind="codes", default=()),
        "is_active": Column("启用", kind="bool", default=True, optional_column=True),
    },
)
ITEMS = Sheet(
    "事项",
    {
        "code": Column("事项编码", required=True, max_length=80),
        "version": Column("版本", kind="int", default=None),
        "status": Column("状态", kind="enum", labels=STATUS_LABELS, default=None),
        "name": Column("事项名称", required=True, max_length=200),
        "item_type": Column("事项类型", kind="enum", required=True, labels=ITEM_TYPE_LABELS),
        "is_approval": Column("是否行政审批", kind="bool", required=True),
        "department": Column("实施部门编码", required=True),
        "legal_limit": Column("法定时限", kind="int", required=True),
        "promised_limit": Column("承诺时限", kind="int", required=True),
        "case_kind": Column("办件类型", kind="enum", required=True, labels=CASE_KIND_LABELS),
        "legal_basis": Column("设定依据"),
        "conditions": Column("受理条件"),
        "fees": Column("收费", max_length=300),
        "online": Column("可网上申请", kind="bool", default=False),
        "halls": Column("办理大厅编码", kind="codes", default=()),
        "contact_phone": Column("咨询电话", max_length=30, optional_column=True),
        "delivery_window": Column("窗口领取", kind="bool", default=True, optional_column=True),
        "delivery_post": Column("邮寄送达", kind="bool", default=False, optional_column=True),
        "delivery_electronic": Column("电子送达", kind="bool", default=False, optional_column=True),
    },
)
MATERIALS = Sheet(
    "材料",
    {
        "item": Column("事项编码", required=True),
        "version": Column("版本", kind="int", default=None, optional_column=True),
        "position": Column("序号", kind="int", required=True),
        "name": Column("材料名称", required=True, max_length=200),
        "originals": Column("原件", kind="int", default=0),
        "copies": Column("复印件", kind="int", default=0),
        "required": Column("必要/非必要", kind="enum", labels=REQUIRED_LABELS, default=True),
        "notes": Column("备注", max_length=300),
        "medium": Column(
            "载体", kind="enum", labels=MEDIUM_LABELS, default=MaterialMedium.PAPER, optional_column=True
        ),
        "applies_when": Column("适用情形", max_length=300, optional_column=True),
    },
)
STEPS = Sheet(
    "环节",
    {
        "item": Column("事项编码", required=True),
        "version": Column("版本", kind="int", default=None, optional_column=True),
        "position": Column("序号", kind="int", required=True),
        "name": Column("环节名称", required=True, max_length=100),
        "limit_days": Column("时限", kind="int", default=0),
    },
)
# 情形引导: one row per question; its options as "key:label; key:label". A workbook without the sheet
# (written before situations existed) reads as having no questions.
SITUATIONS = Sheet(
    "情形",
    {
        "item": Column("事项编码", required=True),
        "version": Column("版本", kind="int", default=None, optional_column=True),
        "position": Column("序号", kind="int", required=True),
        "key": Column("问题编码", required=True, max_length=40),
        "text": Column("问题", required=True, max_length=200),
        "options": Column("选项", required=True, max_length=500),
    },
)
SHEETS = (DEPARTMENTS, HALLS, WINDOWS, ITEMS, MATERIALS, STEPS, SITUATIONS)
OPTIONAL_SHEETS = frozenset({SITUATIONS.title})

# Fields of an item version compared to decide whether a row changes it (version and status aside).
ITEM_CONTENT = tuple(a for a in ITEMS.columns if a not in {"code", "version", "status"})
MATERIAL_CONTENT = ("position", "name", "originals", "copies", "required", "notes", "medium", "applies_when")
STEP_CONTENT = ("position", "name", "limit_days")
SITUATION_CONTENT = ("position", "key", "text", "options")
