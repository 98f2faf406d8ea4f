"""The demo city's public-guide configuration: themes, search synonyms and situations on common items.

Loaded with the city (city._load) so that `make run` shows /portal/ with its ways in. Items are named,
not coded, as in items.yaml; a name the city does not have is skipped, so the catalogue can change.
"""

from __future__ import annotations

from govhall.catalog.models import (
    ItemStatus,
    ServiceItem,
    SituationQuestion,
    Synonym,
    Theme,
    ThemeItem,
    ThemeKind,
)

THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        ThemeKind.PERSONAL,
        "户籍证件",
        ("出生登记", "户口迁移登记", "居民身份证申领", "居住证签发", "户籍证明开具"),
    ),
    (ThemeKind.PERSONAL, "出入境", ("普通护照签发", "往来港澳通行证及签注签发")),
    (
        ThemeKind.LEGAL_PERSON,
        "市场主体登记",
        ("内资企业设立登记", "外资企业设立登记", "个体工商户设立登记", "合伙企业设立登记"),
    ),
    (ThemeKind.LIFE_EVENT, "开办企业", ("内资企业设立登记", "个体工商户设立登记", "农民专业合作社设立登记")),
    (
        ThemeKind.LIFE_EVENT,
        "工程建设",
        (
            "建设用地规划许可证核发",
            "建设工程规划许可证核发",
            "建筑工程施工许可证核发",
            "建设工程规划条件核实",
        ),
    ),
    (ThemeKind.LIFE_EVENT, "婚育", ("出生登记", "生育服务登记", "再生育一个子女审批", "婚姻档案查询证明")),
)
SYNONYMS = {
    "营业执照": "设立登记",
    "开公司": "内资企业设立登记",
    "开店": "个体工商户设立登记",
    "上户口": "出生登记, 户口迁移登记",
    "办护照": "护照",
    "盖房子": "施工许可, 规划许可, 宅基地",
    "生孩子": "出生登记, 生育服务登记",
}
# item name → questions (key, text, options) and material name → the answers that need it
SITUATIONS: dict[str, tuple[tuple[tuple[str, str, str], ...], dict[str, str]]] = {
    "内资企业设立登记": (
        (("name_approved", "企业名称是否已预先核准", "yes:已核准; no:未核准（同时申请名称）"),),
        {"名称预先核准通知书": "name_approved=yes"},
    ),
    "出生登记": (
        (("married", "父母是否已登记结婚", "yes:已登记结婚; no:未登记结婚"),),
        {"父母结婚证": "married=yes"},
    ),
}


def load_demo_guides() -> dict[str, int]:
    items = {i.name: i for i in ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)}
    themes = 0
    for position, (kind, name, names) in enumerate(THEMES, start=1):
        theme = Theme.objects.create(kind=kind, name=name, position=position)
        ThemeItem.objects.bulk_create(
            ThemeItem(theme=theme, code=items[n].code, position=p) for p, n in enumerate(names) if n in items
        )
        themes += 1
    Synonym.objects.bulk_create(Synonym(term=term, words=words) for term, words in SYNONYMS.items())
    situations = 0
    for item_name, (questions, conditions) in SITUATIONS.items():
        item = items.get(item_name)
        if item is None:
            continue
        for position, (key, text, options) in enumerate(questions, start=1):
            SituationQuestion.objects.create(
                item=item, position=position, key=key, text=text, options=options
            )
            situations += 1
        for material in item.materials.filter(name__in=conditions):
            material.applies_when = conditions[material.name]
            material.save(update_fields=["applies_when"])
    return {"themes": themes, "synonyms": len(SYNONYMS), "situations": situations}
