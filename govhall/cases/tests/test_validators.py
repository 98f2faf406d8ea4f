"""GB 11643 identity numbers, GB 32100 credit codes, phone numbers."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.cases.validators import credit_code_error, phone_error, resident_id_error

VALID_IDS = [
    ("11010519491231002X", "the example of GB 11643 itself, check character X"),
    ("440524188001010014", "the standard's second example, born 1880"),
    ("11010519491231002x", "a lower-case x is accepted and normalised"),
    ("370181199001011237", "a Zhangqiu number"),
    ("810000199408230021", "a Hong Kong resident's residence permit (region 81)"),
]

INVALID_IDS = [
    ("37018119900101123", "18 characters"),
    ("3701811990010112381", "18 characters"),
    ("37018119900101123A", "17 digits followed by a digit or X"),
    ("370181199001011234", "check digit"),
    ("990181199001011237", "region code"),
    ("370181199002301234", "not a date"),
    ("370181203001011234", "not possible"),  # born in 2030, after today
    ("X70181199001011237", "17 digits"),
]


@pytest.mark.parametrize(("number", "why"), VALID_IDS)
def test_valid_identity_numbers_pass(number, why):
    assert resident_id_error(number, today=date(2026, 3, 2)) == "", why


@pytest.mark.parametrize(("number", "rule"), INVALID_IDS)
def test_invalid_identity_numbers_are_refused_naming_the_rule(number, rule):
    assert rule in resident_id_error(number, today=date(2026, 3, 2))


VALID_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司
    "91110000100006485K",
    "91330100799655058b",  # lower case is normalised
]

INVALID_CODES = [
    ("91440300192203821", "18 characters"),
    ("914403001922038217", "check character of the unified social credit code"),
    ("91440300192203821I", "never contains I"),
    ("9144O3001922038216", "never contains O"),
    ("91AB03001922038216", "region code"),
    ("911100001000048624", "check character"),
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    assert credit_code_error(code) == ""


@pytest.mark.parametrize(("code", "rule"), INVALID_CODES)
def test_invalid_credit_codes_are_refused_naming_the_rule(code, rule):
    assert rule in credit_code_error(code)


def test_an_organisation_code_with_a_wrong_check_character_is_refused_even_if_the_mod31_fits():
    from govhall.cases.validators import credit_code_check_char

    body = "91440300192203820"  # organisation code 19220382-0 (correct is -1)
    code = body + credit_code_check_char(body)
    assert "GB 11714" in credit_code_error(code)


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13812345678", True),
        ("+86 138 1234 5678", True),
        ("0531-83312345", True),
        ("053183312345", True),
        ("12812345678", False),
        ("1381234567", False),
        ("83312345", False),
    ],
)
def test_phone_numbers(phone, ok):
    assert (phone_error(phone) == "") is ok
