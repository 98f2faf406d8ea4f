"""The three fast lanes of the demo city (the seed's 三条快车道), built from items of the demo catalogue
and published as version 1. Called by the demo city's loader (`govhall.demo.city`), in its transaction.

Items are referred to by name (codes renumber when items.yaml gains a line) and turned into codes from the
city's data. Each lane gets its unified form, each item its field mapping; the lanes' services create the
draft, build its set of materials from the items' lists and publish it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from govhall.demo.city_data import demo_city
from govhall.lanes.models import JoinRule, Lane
from govhall.lanes.services import (
    FieldSpec,
    LaneSpec,
    StageItemSpec,
    StageSpec,
    create_lane,
    publish_lane,
    share_materials,
)

PHONE = r"1\d{10}|0\d{2,3}-?\d{7,8}"
PHONE_MESSAGE = "请填写11位手机号码或带区号的固定电话"

F = FieldSpec  # a unified-form field: key, label, type, then the options


@dataclass(frozen=True)
class I:  # noqa: E742  (an item line of a stage, as short as the table it stands in)
    name: str
    fields: dict[str, str]
    in_join: bool = True


@dataclass(frozen=True)
class S:
    name: str
    lead: str  # department code
    items: tuple[I, ...]
    join_rule: str = JoinRule.ALL
    limit_days: int | None = None


@dataclass(frozen=True)
class L:
    code: str
    name: str
    lead: str
    description: str
    fields: tuple[F, ...]
    stages: tuple[S, ...] = field(default_factory=tuple)


COMPANY_FIELDS = (
    F(
        "company_name",
        "企业名称",
        max_length=50,
        pattern=r".+(有限公司|有限责任公司|股份有限公司)",
        pattern_message="企业名称应以“有限公司”或“股份有限公司”结尾",
        help_text="与名称预先核准通知书一致",
    ),
    F("company_type", "企业类型", "choice", choices=("外商独资企业", "中外合资经营企业", "中外合作经营企业")),
    F("registered_capital", "注册资本（万元）", "number", min_value=1, max_value=10_000_000),
    F("business_scope", "经营范围", max_length=500, help_text="参照《国民经济行业分类》填写"),
    F("business_address", "住所", "address", help_text="写明区（县）、街道（镇）、门牌号"),
    F("investor", "投资方名称", max_length=100),
    F("investor_country", "投资方国别（地区）", max_length=30),
    F("legal_rep", "法定代表人（申请人）姓名", max_length=30, binds="applicant_name"),
    F("legal_rep_id", "法定代表人身份证号码", "id_number", binds="id_number"),
    F("contact_name", "联系人", max_length=30, binds="contact_name"),
    F("phone", "联系电话", pattern=PHONE, pattern_message=PHONE_MESSAGE, binds="phone"),
    F("founding_date", "拟成立日期", "date", required=False),
    F(
        "articles",
        "公司章程（扫描件）",
        "file",
        required=False,
        help_text="PDF，不超过20MB；也可在窗口提交纸质件",
    ),
)

CONSTRUCTION_FIELDS = (
    F("project_name", "项目名称", max_length=100),
    F(
        "project_code",
        "项目代码",
        pattern=r"\d{4}-\d{6}-\d{2}-\d{2}-\d{6}",
        pattern_message="项目代码格式为 2026-370181-47-01-000001",
        help_text="投资项目在线审批监管平台赋予的代码",
    ),
    F("construction_unit", "建设单位", max_length=100, binds="applicant_name"),
    F("credit_code", "统一社会信用代码", "credit_code", binds="credit_code"),
    F("legal_rep", "法定代表人", max_length=30, binds="legal_representative"),
    F("project_type", "项目类别", "choice", choices=("房屋建筑工程", "市政基础设施工程", "工业项目")),
    F("site_address", "建设地点", "address", binds="address"),
    F("land_area", "用地面积（平方米）", "number", min_value=1),
    F("floor_area", "总建筑面积（平方米）", "number", min_value=1),
    F("total_investment", "总投资（万元）", "number", min_value=1),
    F("contact_name", "联系人", max_length=30, binds="contact_name"),
    F("phone", "联系电话", pattern=PHONE, pattern_message=PHONE_MESSAGE, binds="phone"),
    F("planned_start", "计划开工日期", "date", required=False),
)

CONVENIENCE_FIELDS = (
    F("name", "申请人姓名", max_length=30, binds="applicant_name"),
    F("id_number", "身份证号码", "id_number", binds="id_number"),
    F("phone", "联系电话", pattern=PHONE, pattern_message=PHONE_MESSAGE, binds="phone"),
    F("address", "住址", "address", binds="address"),
    F("premises_name", "经营场所名称", max_length=100),
    F("premises_area", "经营面积（平方米）", "number", min_value=1),
    F("plate_number", "车辆号牌", pattern=r"鲁[A-Z][A-Z0-9]{5,6}", pattern_message="如：鲁A12345"),
    F("timber_volume", "采伐蓄积（立方米）", "number", min_value=0),
)

DEMO_LANES: tuple[L, ...] = (
    L(
        "construction",
        "基本建设项目审批",
        "FGJ",
        "工程建设项目按立项用地规划许可、工程建设许可、施工许可、竣工验收四个阶段并联审批，"
        "每个阶段一家牵头部门、一张申请表单、一套申报材料、限时办结。",
        CONSTRUCTION_FIELDS,
        (
            S(
                "立项用地规划许可",
                "FGJ",
                (
                    I(
                        "企业投资项目核准",
                        {
                            "项目名称": "project_name",
                            "项目代码": "project_code",
                            "项目单位": "construction_unit",
                            "总投资": "total_investment",
                            "建设地点": "site_address",
                        },
                    ),
                    I(
                        "建设项目选址意见书核发",
                        {
                            "项目名称": "project_name",
                            "建设单位": "construction_unit",
                            "拟选位置": "site_address",
                            "用地面积": "land_area",
                        },
                    ),
                    I(
                        "建设项目用地预审",
                        {
                            "项目名称": "project_name",
                            "用地单位": "construction_unit",
                            "用地位置": "site_address",
                            "拟用地面积": "land_area",
                        },
                    ),
                    I(
                        "建设用地规划许可证核发",
                        {
                            "项目名称": "project_name",
                            "用地单位": "construction_unit",
                            "用地位置": "site_address",
                            "用地面积": "land_area",
                        },
                    ),
                ),
            ),
            S(
                "工程建设许可",
                "GHJ",
                (
                    I(
                        "建设工程设计方案审查",
                        {
                            "项目名称": "project_name",
                            "建设单位": "construction_unit",
                            "总建筑面积": "floor_area",
                        },
                    ),
                    I(
                        "建设工程规划许可证核发",
                        {
                            "项目名称": "project_name",
                            "建设单位": "construction_unit",
                            "建设位置": "site_address",
                            "建设规模": "floor_area",
                        },
                    ),
                    I(
                        "建设项目环境影响报告表审批",
                        {
                            "项目名称": "project_name",
                            "建设单位": "construction_unit",
                            "建设地点": "site_address",
                            "项目类别": "project_type",
                        },
                    ),
                ),
            ),
            S(
                "施工许可",
                "ZJJ",
                (
                    I(
                        "施工图设计文件审查备案",
                        {"工程名称": "project_name", "建设单位": "construction_unit"},
                    ),
                    I(
                        "建设工程消防设计审核",
                        {
                            "工程名称": "project_name",
                            "建设单位": "construction_unit",
                            "建筑面积": "floor_area",
                        },
                    ),
                    I(
                        "人防工程建设审批",
                        {
                            "项目名称": "project_name",
                            "建设单位": "construction_unit",
                            "总建筑面积": "floor_area",
                        },
                    ),
                    I(
                        "建设工程质量安全监督手续办理",
                        {
                            "工程名称": "project_name",
                            "建设单位": "construction_unit",
                            "工程地点": "site_address",
                        },
                    ),
                    I(
                        "建筑工程施工许可证核发",
                        {
                            "工程名称": "project_name",
                            "建设单位": "construction_unit",
                            "建设地址": "site_address",
                            "合同价格": "total_investment",
                            "计划开工日期": "planned_start",
                        },
                    ),
                ),
            ),
            S(
                "竣工验收",
                "ZJJ",
                (
                    I(
                        "房屋建筑工程竣工验收备案",
                        {
                            "工程名称": "project_name",
                            "建设单位": "construction_unit",
                            "工程地址": "site_address",
                        },
                    ),
                ),
            ),
        ),
    ),
    L(
        "company-registration",
        "内外资企业注册审批",
        "GSJ",
        "外商投资企业设立：工商登记、组织机构代码、商务备案由综合受理窗口一次收件，三个部门并联办理。",
        COMPANY_FIELDS,
        (
            S(
                "设立登记（并联）",
                "GSJ",
                (
                    I(
                        "外资企业设立登记",
                        {
                            "企业名称": "company_name",
                            "企业类型": "company_type",
                            "注册资本": "registered_capital",
                            "经营范围": "business_scope",
                            "住所": "business_address",
                            "法定代表人": "legal_rep",
                            "投资者": "investor",
                        },
                    ),
                    I(
                        "组织机构代码证核发",
                        {
                            "机构名称": "company_name",
                            "机构类型": "company_type",
                            "法定代表人": "legal_rep",
                            "法定代表人身份证号码": "legal_rep_id",
                            "地址": "business_address",
                            "经营范围": "business_scope",
                        },
                    ),
                    I(
                        "外商投资企业设立备案",
                        {
                            "企业名称": "company_name",
                            "投资者": "investor",
                            "投资者国别": "investor_country",
                            "投资总额": "registered_capital",
                            "经营范围": "business_scope",
                            "拟成立日期": "founding_date",
                        },
                    ),
                ),
            ),
        ),
    ),
    L(
        "convenience",
        "便民服务",
        "WJJ",
        "交通、卫生、林业的常用许可一表申请、一套材料、并联办理；只需其中一项的，可在相应部门窗口单独申请。",
        CONVENIENCE_FIELDS,
        (
            S(
                "便民联办",
                "WJJ",
                (
                    I(
                        "公共场所卫生许可",
                        {
                            "单位名称": "premises_name",
                            "负责人": "name",
                            "地址": "address",
                            "经营面积": "premises_area",
                        },
                    ),
                    I(
                        "道路货物运输经营许可",
                        {"经营者": "name", "车辆号牌": "plate_number", "经营场所": "premises_name"},
                    ),
                    I(
                        "林木采伐许可证核发",
                        {"申请人": "name", "身份证号码": "id_number", "采伐蓄积": "timber_volume"},
                    ),
                ),
            ),
        ),
    ),
)


def lane_spec(spec: L, codes: dict[str, str]) -> LaneSpec:
    """The lanes' spec of a demo lane; `codes` gives the item code of each item name."""
    return LaneSpec(
        code=spec.code,
        name=spec.name,
        lead_department_code=spec.lead,
        description=spec.description,
        form_fields=spec.fields,
        stages=tuple(
            StageSpec(
                name=s.name,
                lead_department_code=s.lead,
                items=tuple(StageItemSpec(codes[i.name], i.fields, i.in_join) for i in s.items),
                join_rule=s.join_rule,
                limit_days=s.limit_days,
            )
            for s in spec.stages
        ),
    )


def item_codes() -> dict[str, str]:
    """The code of each item name the demo lanes use, from the city's data."""
    wanted = {i.name for lane in DEMO_LANES for s in lane.stages for i in s.items}
    found = Counter(i.name for i in demo_city().items if i.name in wanted)
    unclear = sorted(name for name in wanted if found[name] != 1)
    if unclear:
        raise LookupError(f"demo lanes: no single demo item named {', '.join(unclear)}")
    return {i.name: i.code for i in demo_city().items if i.name in wanted}


def load_demo_lanes(*, now: datetime, by=None) -> list[Lane]:
    """Create and publish the three demo lanes (call inside the demo loader's transaction)."""
    codes = item_codes()
    lanes = []
    for spec in DEMO_LANES:
        lane = create_lane(lane_spec(spec, codes), by=by, now=now)
        share_materials(lane)
        lanes.append(publish_lane(lane, by=by, now=now))
    return lanes
