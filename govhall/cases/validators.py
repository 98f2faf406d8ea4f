"""Check digits of Chinese identifiers, written from the standards (no third-party library).

- GB 11643-1999 citizen identity number (居民身份证号码): 6-digit region, 8-digit birth date, 3-digit
  sequence, ISO 7064 MOD 11-2 check character (0-9 or X).
- GB 32100-2015 unified social credit code (统一社会信用代码): 18 characters from a 31-character
  alphabet; position 18 is a MOD 31 check character; positions 9-17 are the organisation code of
  GB 11714, which carries its own MOD 11 check character.

Each function returns a message (empty string when the value passes) so that callers can collect the
errors of several fields before raising one ValidationError.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

# Province-level codes of GB/T 2260, plus 81/82/83 (residence permits of Hong Kong, Macao, Taiwan
# residents, which use the 18-digit layout with region 810000/820000/830000).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def resident_id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def resident_id_error(value: str, *, today: date | None = None) -> str:
    """Why `value` is not a valid 18-digit resident identity number, or "" when it is."""
    value = normalize_id_number(value)
    if len(value) != 18:
        return _("A resident identity number has 18 characters; this one has %(n)s.") % {"n": len(value)}
    if not _ID_SHAPE.match(value):
        return _("A resident identity number is 17 digits followed by a digit or X.")
    if value[:2] not in PROVINCE_CODES:
        return _("The region code %(code)s of the identity number is not a Chinese province.") % {
            "code": value[:6]
        }
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("The birth date %(d)s in the identity number is not a date.") % {"d": value[6:14]}
    if born.year < 1800 or (today is not None and born > today):
        return _("The birth date %(d)s in the identity number is not possible.") % {"d": value[6:14]}
    if resident_id_check_char(value[:17]) != value[17]:
        return _("The check digit of the identity number is wrong (GB 11643); please check every digit.")
    return ""


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_INDEX = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_INDEX[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_char(first8: str) -> str:
    """GB 11714: the 9th character of an organisation code."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_code_error(value: str) -> str:
    """Why `value` is not a valid unified social credit code, or "" when it is."""
    value = normalize_credit_code(value)
    if len(value) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(value)}
    bad = sorted({c for c in value if c not in _CREDIT_INDEX})
    if bad:
        return _(
            "A unified social credit code never contains %(chars)s (the letters I, O, S, V, Z are not used)."
        ) % {"chars": "".join(bad)}
    if not value[2:8].isdigit():
        return _("Characters 3 to 8 of a unified social credit code are the region code (digits).")
    if credit_code_check_char(value[:17]) != value[17]:
        return _("The check character of the unified social credit code is wrong (GB 32100).")
    if organisation_code_check_char(value[8:16]) != value[16]:
        return _(
            "The organisation code inside the unified social credit code has a wrong check character "
            "(GB 11714)."
        )
    return ""


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value or "").removeprefix("+86")


def phone_error(value: str) -> str:
    value = normalize_phone(value)
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return ""
    return _("Enter an 11-digit mobile number or a landline number with its area code, e.g. 0531-83312345.")
