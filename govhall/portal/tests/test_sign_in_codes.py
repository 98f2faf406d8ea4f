"""Sign-in by text-message code: what a code may do, and how often one may be asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.core.models import Role, User
from govhall.portal.models import Profile, SignInCode
from govhall.portal.services.accounts import TooManyRequests, request_code, sign_in_with_code
from govhall.portal.tests.conftest import at, last_code

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
IP = "203.0.113.7"
T0 = at("2026-03-02 09:00")


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_first_sign_in_creates_an_applicant_with_the_phone_and_no_password(sms_outbox):
    sent = request_code(phone="+86 138 0013 8000", ip=IP, now=T0)
    assert sent.phone == PHONE and sent.expires_at == T0 + timedelta(minutes=5)
    code = last_code(sms_outbox, PHONE)
    user = sign_in_with_code(phone=PHONE, code=code, ip=IP, now=T0 + timedelta(seconds=30))
    assert (user.role, user.phone, user.has_usable_password()) == (Role.APPLICANT, PHONE, False)
    assert Profile.objects.filter(user=user).exists()
    # The second sign-in finds the same account.
    request_code(phone=PHONE, ip=IP, now=T0 + timedelta(minutes=2))
    again = sign_in_with_code(
        phone=PHONE, code=last_code(sms_outbox, PHONE), ip=IP, now=T0 + timedelta(minutes=3)
    )
    assert again.pk == user.pk and User.objects.filter(phone=PHONE).count() == 1


def test_the_code_is_stored_only_as_a_hash(sms_outbox):
    request_code(phone=PHONE, ip=IP, now=T0)
    row = SignInCode.objects.get()
    assert last_code(sms_outbox, PHONE) not in row.code_hash and len(row.code_hash) == 64


@pytest.mark.parametrize(
    ("what", "delay", "expected"),
    [
        ("the right code just in time", timedelta(minutes=5) - timedelta(seconds=1), None),
        ("the right code at expiry", timedelta(minutes=5), "This code has expired"),
        ("the right code later", timedelta(hours=2), "This code has expired"),
        ("a wrong code", timedelta(seconds=10), "The code is wrong: 4 more tries"),
        ("not six digits", timedelta(seconds=10), "The code is the 6 digits"),
    ],
)
def test_what_a_code_is_worth(sms_outbox, what, delay, expected):
    request_code(phone=PHONE, ip=IP, now=T0)
    code = last_code(sms_outbox, PHONE)
    given = {"a wrong code": f"{(int(code) + 1) % 10**6:06d}", "not six digits": "12345"}.get(what, code)

    def sign_in():
        return sign_in_with_code(phone=PHONE, code=given, ip=IP, now=T0 + delay)

    if expected is None:
        assert sign_in().phone == PHONE
    else:
        assert expected in errors_of(sign_in)["code"][0]


def test_a_code_is_used_once(sms_outbox):
    request_code(phone=PHONE, ip=IP, now=T0)
    code = last_code(sms_outbox, PHONE)
    sign_in_with_code(phone=PHONE, code=code, ip=IP, now=T0 + timedelta(seconds=20))
    errors = errors_of(
        lambda: sign_in_with_code(phone=PHONE, code=code, ip=IP, now=T0 + timedelta(seconds=40))
    )
    assert errors == {"code": ["This code has already been used: request a new code."]}


def test_five_wrong_tries_kill_the_code_even_the_right_one_after(sms_outbox):
    request_code(phone=PHONE, ip=IP, now=T0)
    code = last_code(sms_outbox, PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    messages = []
    for second in range(1, 6):
        messages += errors_of(
            lambda s=second: sign_in_with_code(phone=PHONE, code=wrong, ip=IP, now=T0 + timedelta(seconds=s))
        )["code"]
    assert messages == [
        "The code is wrong: 4 more tries with this code.",
        "The code is wrong: 3 more tries with this code.",
        "The code is wrong: 2 more tries with this code.",
        "The code is wrong: 1 more tries with this code.",
        "Too many wrong codes: request a new code.",
    ]
    errors = errors_of(
        lambda: sign_in_with_code(phone=PHONE, code=code, ip=IP, now=T0 + timedelta(seconds=9))
    )
    assert errors == {"code": ["Too many wrong codes: request a new code."]}
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_new_code_replaces_the_old_one(sms_outbox):
    request_code(phone=PHONE, ip=IP, now=T0)
    old = last_code(sms_outbox, PHONE)
    request_code(phone=PHONE, ip=IP, now=T0 + timedelta(minutes=1))
    new = last_code(sms_outbox, PHONE)
    if old != new:
        errors = errors_of(
            lambda: sign_in_with_code(phone=PHONE, code=old, ip=IP, now=T0 + timedelta(minutes=2))
        )
        assert "The code is wrong" in errors["code"][0]
    assert sign_in_with_code(phone=PHONE, code=new, ip=IP, now=T0 + timedelta(minutes=2)).phone == PHONE


def test_signing_in_without_a_code_sent():
    errors = errors_of(lambda: sign_in_with_code(phone=PHONE, code="123456", ip=IP, now=T0))
    assert errors == {"code": ["No code was sent to this number: request a code first."]}


@pytest.mark.parametrize("phone", ["", "12345", "0531-83312345", "23800138000", "1380013800a"])
def test_a_code_goes_only_to_a_mobile_number(phone, sms_outbox):
    errors = errors_of(lambda: request_code(phone=phone, ip=IP, now=T0))
    assert errors == {"phone": ["A sign-in code is sent by text message: enter an 11-digit mobile number."]}
    assert sms_outbox == [] and not SignInCode.objects.exists()


# Throttling: (seconds after the first request, phone, ip, admitted?, or the wait in seconds).
PER_NUMBER = [
    (0, PHONE, IP, True),
    (59, PHONE, IP, 1),  # one a minute per number
    (60, PHONE, IP, True),
    (60, "13900139000", IP, True),  # another number is counted apart
    (120, PHONE, IP, True),
    (180, PHONE, IP, True),
    (240, PHONE, IP, True),  # five in the hour: 0, 60, 120, 180, 240
    (300, PHONE, IP, 3300),  # the sixth waits until the first leaves the hour (at 3600)
    (3599, PHONE, IP, 1),
    (3600, PHONE, IP, True),
    (3601, PHONE, IP, 59),  # and then one a minute again
]


def run_table(table, sms_outbox):
    for offset, phone, ip, expected in table:
        now = T0 + timedelta(seconds=offset)
        if expected is True:
            request_code(phone=phone, ip=ip, now=now)
            assert sms_outbox[-1][0] == phone
            continue
        with pytest.raises(TooManyRequests) as caught:
            request_code(phone=phone, ip=ip, now=now)
        assert (caught.value.retry_at - now).total_seconds() == expected, (offset, phone)
        assert f"in {expected} s" in caught.value.message_dict["phone"][0]


def test_code_requests_per_number_at_exact_times(sms_outbox):
    run_table(PER_NUMBER, sms_outbox)
    assert SignInCode.objects.filter(phone=PHONE).count() == 6


def test_code_requests_per_address_at_exact_times(sms_outbox):
    # Twenty numbers from one address in the hour; the twenty-first waits until the first leaves it.
    numbers = [f"1380000{n:04d}" for n in range(22)]
    table = [(n * 10, numbers[n], IP, True) for n in range(20)]
    table += [(200, numbers[20], IP, 3400), (3600, numbers[20], IP, True), (3601, numbers[21], IP, 9)]
    table += [(3601, numbers[21], "198.51.100.1", True)]  # another address is counted apart
    run_table(table, sms_outbox)


def test_the_throttle_message_says_when_to_try_again(sms_outbox):
    request_code(phone=PHONE, ip=IP, now=T0)
    with pytest.raises(TooManyRequests) as caught:
        request_code(phone=PHONE, ip=IP, now=T0 + timedelta(seconds=15))
    assert caught.value.message_dict == {
        "phone": ["Too many codes requested for this number: try again at 09:01:00 (in 45 s)."]
    }


def _waiting_advisory_locks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_for_one_number_at_once_count_one_after_the_other(sms_outbox):
    """The second request waits for the first one's transaction and then sees its code: throttled. Without
    the lock both would count zero earlier codes and both would be sent."""
    import threading

    from django.db import connection, transaction

    first_inside = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                request_code(phone=PHONE, ip=IP, now=T0)
                first_inside.set()
                if not release_first.wait(60):
                    outcome["first"] = "never released"
        finally:
            connection.close()

    def second():
        try:
            request_code(phone=PHONE, ip="198.51.100.9", now=T0 + timedelta(seconds=1))
            outcome["second"] = "sent"
        except TooManyRequests as error:
            outcome["second"] = error
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_inside.wait(60), "the first request never got its code written"
    two = threading.Thread(target=second)
    two.start()
    # Wait (on the database's own account) until the second request is blocked on the first one's lock.
    for _attempt in range(600):
        if _waiting_advisory_locks() or not two.is_alive():
            break
        two.join(0.1)
    blocked = two.is_alive()
    release_first.set()
    one.join(60)
    two.join(60)
    assert blocked, f"the second request did not wait for the first: {outcome}"
    assert isinstance(outcome.get("second"), TooManyRequests), outcome
    assert SignInCode.objects.filter(phone=PHONE).count() == 1
