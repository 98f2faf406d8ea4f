"""Expanding one hand-written item line into its legal basis, conditions, materials and ordered steps."""

from __future__ import annotations

import re

from govhall.catalog.specs import MaterialSpec, StepSpec

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals, as articles of law are cited: 第二十二条, 第一百零五条."""
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    if ones:
        out += CN_DIGITS[ones]
    return out


def legal_basis(cited: str, laws: dict[str, str]) -> str:
    """'cxgh.37+sdgh.35' → 《中华人民共和国城乡规划法》第三十七条；《山东省城乡规划条例》第三十五条"""
    parts = []
    for ref in cited.split("+"):
        key, _, article = ref.partition(".")
        if key not in laws:
            raise ValueError(f"unknown law key {key!r} in {cited!r}")
        parts.append(laws[key] + (f"第{chinese_number(int(article))}条" if article else ""))
    return "；".join(parts)


_MATERIAL = re.compile(r"^(?P<optional>\?)?(?P<name>[^@]+)(?:@(?P<mod>c|oc|\d))?$")


def _material(text: str) -> MaterialSpec:
    match = _MATERIAL.match(text.strip())
    if match is None:
        raise ValueError(f"bad material {text!r}")
    name, mod = match["name"], match["mod"]
    originals, copies, notes = 1, 0, ""
    if mod == "c":
        originals, copies, notes = 0, 1, "复印件加盖公章或签字，核验原件"
    elif mod == "oc":
        originals, copies, notes = 1, 1, "原件核验后退还"
    elif mod:
        originals = int(mod)
    if match["optional"]:
        notes = "如有，请提供" + ("；" + notes if notes else "")
    return MaterialSpec(name, originals, copies, not match["optional"], notes)


def materials_for(item_name: str, applicant: str, listed: str) -> tuple[MaterialSpec, ...]:
    """The application form, identity papers, the item's own materials, an optional power of attorney."""
    own = [_material(text) for text in listed.split(";") if text.strip()]
    names = "".join(m.name for m in own)
    out: list[MaterialSpec] = []
    if not any(word in names for word in ("申请", "申报", "登记表", "备案表", "登记书")):
        out.append(MaterialSpec(f"《{item_name}》申请表", 1, 0, True, "申请人签字或加盖公章"))
    if applicant == "P":
        if "身份证" not in names:
            out.append(MaterialSpec("申请人居民身份证", 1, 1, True, "原件核验后退还"))
    elif applicant == "B":
        out.append(
            MaterialSpec("申请人身份证明", 0, 1, True, "个人提交居民身份证，单位提交营业执照或法人证书")
        )
    elif "营业执照" not in names:
        out.append(
            MaterialSpec("营业执照或法人登记证书", 0, 1, True, "复印件加盖公章，核验原件；新设立的除外")
        )
    out.extend(own)
    out.append(MaterialSpec("授权委托书及受托人身份证", 1, 1, False, "委托他人代为办理的提交"))
    return tuple(out[:8])


_DECISION = {"XK": "审批决定", "QR": "审核确认", "BA": "备案", "GF": "审批", "QT": "决定", "GG": "办结"}


def steps_for(type_code: str, promised: int, on_site: bool) -> tuple[StepSpec, ...]:
    """Ordered steps whose limits add up to exactly the promised limit (0 for an immediate item)."""
    decide = _DECISION.get(type_code, "决定")
    deliver = "制证送达" if type_code == "XK" else "送达"
    if promised == 0:
        return (StepSpec("受理", 0), StepSpec("审核", 0), StepSpec(f"当场{decide}", 0))
    if promised == 1:
        return (StepSpec("受理", 0), StepSpec(f"审查并{decide}", 1))
    if promised == 2:
        return (StepSpec("受理", 0), StepSpec("审查", 1), StepSpec(f"{decide}并{deliver}", 1))
    accept = 1 if promised >= 10 else 0
    site = max(1, promised // 5) if on_site and promised >= 4 else 0
    review = promised - accept - site - 2
    steps = [StepSpec("受理", accept), StepSpec("审查", review)]
    if site:
        steps.append(StepSpec("现场核查", site))
    steps += [StepSpec(decide, 1), StepSpec(deliver, 1)]
    return tuple(steps)


def conditions_for(type_code: str, name: str, applicant: str, basis: str) -> str:
    who = {"P": "具有完全民事行为能力的自然人", "B": "自然人、法人或者其他组织"}.get(
        applicant, "依法设立的法人或者其他组织"
    )
    law = basis.split("；")[0].split("》")[0] + "》"
    if type_code == "GG":
        return f"申请人为{who}；按要求提交材料，符合{law}及本市有关规定的办理条件。"
    return f"1. 申请人为{who}；2. 申请材料齐全、符合法定形式；3. 符合{law}规定的{name}条件。"
