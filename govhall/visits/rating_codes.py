"""The rating code printed on a case's notices: an HMAC of the case (keyed by SECRET_KEY), so that the case
number and the code together let anyone holding the notice rate the case without signing in, and nobody can
work a code out from a number. Eight characters from 32 unambiguous ones: about 10^12 values."""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
LENGTH = 8
_SALT = "govhall.visits.rating-code"


def rating_code(case) -> str:
    digest = salted_hmac(_SALT, f"{case.pk}:{case.number}", algorithm="sha256").digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


def normalise(code: str) -> str:
    return "".join((code or "").split()).upper().replace("-", "")


def code_matches(case, code: str) -> bool:
    return constant_time_compare(rating_code(case), normalise(code))
