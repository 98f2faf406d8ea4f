"""Text-message backends. GOVHALL_SMS_BACKEND names the class; a backend raises SmsError on failure.

- ConsoleBackend (default): writes the message to the log, for development and demonstrations.
- MemoryBackend: keeps every message in `MemoryBackend.outbox` (tests read codes from it).
- HttpBackend: POSTs JSON {"to": phone, "text": text, "id": key} to GOVHALL_SMS_URL with the headers
  `Authorization: Bearer GOVHALL_SMS_KEY` and `Idempotency-Key: key`; any 2xx answer is success. Most SMS
  gateways of Chinese carriers and clouds accept such a request through a small adapter of the operator's
  choosing.

`key` names one outbox delivery (`govhall-delivery-<id>`, empty for other texts). A worker killed after
the gateway took a message but before the outbox marked it sent offers it again once its claim lapses:
the gateway (or the operator's adapter in front of it) drops a repeated key, so it reaches the phone once.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("govhall.supervision.sms")


class SmsError(Exception):
    """The message was not accepted; the outbox tries again later."""


class BaseBackend:
    def send(self, phone: str, text: str, key: str = "") -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, phone: str, text: str, key: str = "") -> None:
        log.info("SMS to %s: %s", phone, text)


class MemoryBackend(BaseBackend):
    """For tests, like Django's locmem mail backend: the messages of the whole process, oldest first."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str, key: str = "") -> None:
        MemoryBackend.outbox.append((phone, text))


class HttpBackend(BaseBackend):
    def __init__(self, url: str | None = None, key: str | None = None, timeout: int | None = None) -> None:
        self.url = url or settings.GOVHALL_SMS_URL
        self.key = key if key is not None else settings.GOVHALL_SMS_KEY
        self.timeout = timeout or settings.GOVHALL_SMS_TIMEOUT
        if not self.url:
            raise SmsError("GOVHALL_SMS_URL is not set")

    def send(self, phone: str, text: str, key: str = "") -> None:
        body = json.dumps({"to": phone, "text": text, "id": key}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
                **({"Idempotency-Key": key} if key else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}: {exc.read(300).decode(errors='replace')}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")


def get_backend() -> BaseBackend:
    return import_string(settings.GOVHALL_SMS_BACKEND)()
