"""A text-message backend for the tests (GOVHALL_SMS_BACKEND): keeps each message instead of sending it."""

from __future__ import annotations

from govhall.supervision.notify.sms import BaseBackend


class RecordingBackend(BaseBackend):
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str, key: str = "") -> None:
        RecordingBackend.sent.append((phone, text))
