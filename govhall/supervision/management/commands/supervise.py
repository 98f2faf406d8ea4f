"""`govhall supervise --once [--now ISO]`: one sweep by hand (the Huey task runs it every minute)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govhall.supervision import notify
from govhall.supervision.sweep import sweep


class Command(BaseCommand):
    help = "Run one supervision sweep: reminders for new yellow and red lights, rule cards, escalations."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one sweep and exit (the only mode).")
        parser.add_argument("--now", help="The moment to sweep at (ISO 8601; default: now).")

    def handle(self, *args, once: bool, now: str | None, **options) -> None:
        if not once:
            raise CommandError("Use --once; the periodic sweep runs in the Huey consumer (govhall run_huey).")
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 date and time") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        result = sweep(now=moment)
        sent = notify.deliver_due(now=moment)
        self.stdout.write(
            f"{moment.isoformat()}: steps {result.step_yellow} yellow, {result.step_red} red; "
            f"cases {result.case_yellow} yellow, {result.case_red} red; "
            f"lanes {result.lane_yellow} yellow, {result.lane_red} red; cards {result.cards}; "
            f"late card replies {result.late_card_replies}; orders escalated {result.orders_escalated}; "
            f"messages {result.messages}; sent {sent['sent']}, failed {sent['failed']}, "
            f"gave up {sent['gave_up']}"
        )
