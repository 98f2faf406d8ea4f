"""The demo city's electronic licences (电子证照): which items issue which licence, and which materials a
valid licence stands in for (免提交). Loaded with the city, before any case, like the public guides'
configuration (demo/guides.py). Items and materials are named, not coded; a missing name is skipped."""

from __future__ import annotations

from govhall.catalog.models import ItemStatus, LicenceType, Material, ServiceItem

# code, name, years valid (0: until revoked), items that issue it, materials it stands in for
LICENCES: tuple[tuple[str, str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "YYZZ",
        "营业执照",
        0,
        (
            "内资企业设立登记",
            "外资企业设立登记",
            "个体工商户设立登记",
            "合伙企业设立登记",
            "农民专业合作社设立登记",
        ),
        ("营业执照", "企业法人营业执照", "工商营业执照"),
    ),
    ("SPJY", "食品经营许可证", 5, ("食品经营许可",), ("食品经营许可证",)),
    ("GGWS", "公共场所卫生许可证", 4, ("公共场所卫生许可",), ("公共场所卫生许可证",)),
)


def load_demo_licences() -> dict[str, int]:
    published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    issuing = accepting = 0
    for code, name, years, items, materials in LICENCES:
        kind = LicenceType.objects.create(code=code, name=name, validity_years=years)
        issuing += published.filter(name__in=items).update(issues_licence=kind)
        accepting += Material.objects.filter(item__in=published, name__in=materials).update(licence_type=kind)
    return {"licence_types": len(LICENCES), "issuing_items": issuing, "accepting_materials": accepting}
