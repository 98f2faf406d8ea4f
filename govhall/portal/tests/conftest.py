from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.utils import translation

from govhall.supervision.notify.sms import MemoryBackend


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions match the English msgids; the Chinese catalogue is checked by tests/test_translations."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sms_outbox(settings) -> list[tuple[str, str]]:
    """The text messages sent during the test, recorded by the in-memory SMS backend."""
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM[:SS]'."""
    if text.count(":") == 1:
        text += ":00"
    return datetime.fromisoformat(f"{text}+08:00")


def last_code(outbox, phone: str) -> str:
    text = next(text for to, text in reversed(outbox) if to == phone)
    return re.search(r"\b(\d{6})\b", text).group(1)


# Valid identifiers (check digits computed by govhall.cases.validators).
ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def english_client():
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client(db):
    """A browser that chose English, so that assertions match the msgids."""
    return english_client()
