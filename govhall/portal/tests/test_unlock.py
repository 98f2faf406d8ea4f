"""An administrator lifts the limits of SMS codes (per number, per address) and of the progress query
(per address, account or case number): `govhall unlock`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govhall.portal.models import SignInCode
from govhall.portal.services.accounts import TooManyRequests, request_code
from govhall.portal.throttling import NumberThrottle, ProgressThrottle

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
IP = "203.0.113.7"


def unlock(*args: str) -> str:
    out = StringIO()
    call_command("unlock", *args, stdout=out)
    return out.getvalue()


def test_a_locked_number_can_ask_again_once_unlocked(sms_outbox):
    now = timezone.now()
    request_code(phone=PHONE, ip=IP, now=now)
    with pytest.raises(TooManyRequests, match="this number"):
        request_code(phone=PHONE, ip=IP, now=now + timedelta(seconds=5))
    assert "1 counted sign-in code(s) released" in unlock("--phone", PHONE)
    request_code(phone=PHONE, ip=IP, now=now + timedelta(seconds=10))
    assert SignInCode.objects.filter(phone=PHONE).count() == 1


def test_an_address_over_its_hourly_limit_is_unlocked_and_other_addresses_keep_theirs(sms_outbox):
    now = timezone.now()
    for n in range(20):
        request_code(phone=f"139{n:08d}", ip=IP, now=now - timedelta(minutes=50) + timedelta(seconds=n))
        request_code(phone=f"137{n:08d}", ip="198.51.100.1", now=now - timedelta(minutes=50))
    with pytest.raises(TooManyRequests, match="network address"):
        request_code(phone=PHONE, ip=IP, now=now)
    unlock("--address", IP)
    request_code(phone=PHONE, ip=IP, now=now)
    with pytest.raises(TooManyRequests, match="network address"):
        request_code(phone=PHONE[:-1] + "9", ip="198.51.100.1", now=now)


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(ProgressThrottle, "rate", "2/min")
    monkeypatch.setattr(NumberThrottle, "rate", "3/hour")
    cache.clear()
    yield
    cache.clear()


def test_the_progress_query_of_an_address_and_of_a_number_is_unlocked(client, small_budget):
    def query(number="QS-NONE", **extra):
        return client.get("/portal/progress/", {"number": number, "code": "XXXXXX"}, **extra).status_code

    assert [query(), query(), query()] == [404, 404, 429]
    unlock("--address", "127.0.0.1")
    assert query() == 404
    # The number's own budget (3 an hour, whoever asks) is now spent: another address is refused.
    assert query(REMOTE_ADDR="10.0.0.9") == 429
    assert "1 progress budget(s) reset" in unlock("--case-number", "qs-none")
    assert query(REMOTE_ADDR="10.0.0.9") == 404


def test_unlock_says_what_it_needs():
    with pytest.raises(CommandError, match="--phone"):
        unlock()
    with pytest.raises(CommandError, match="11-digit"):
        unlock("--phone", "12345")
