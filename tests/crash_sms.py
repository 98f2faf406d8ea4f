"""A text-message gateway for the crash tests (GOVHALL_SMS_BACKEND=tests.crash_sms.FileBackend): appends
`key<TAB>phone<TAB>text` to GOVHALL_TEST_SMS_FILE, one line per message handed over, flushed at once so a
process killed afterwards has still handed it over; GOVHALL_TEST_SMS_MILLISECONDS is a gateway's latency."""

from __future__ import annotations

import os
import time

from govhall.supervision.notify.sms import BaseBackend


class FileBackend(BaseBackend):
    def send(self, phone: str, text: str, key: str = "") -> None:
        time.sleep(int(os.environ.get("GOVHALL_TEST_SMS_MILLISECONDS", "0")) / 1000)  # the gateway's latency
        with open(os.environ["GOVHALL_TEST_SMS_FILE"], "a", encoding="utf-8") as f:
            f.write(f"{key}\t{phone}\t{text}\n")
            f.flush()
