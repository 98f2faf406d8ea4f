"""`govhall unlock`: lift the limits of SMS sign-in codes and of the public progress query.

    govhall unlock --phone 13905310001          codes requested for this number stop counting
    govhall unlock --address 203.0.113.7        codes from this address, and its progress-query budget
    govhall unlock --case-number 370181-…      the progress-query budget of this case number
    govhall unlock --username citizen           the progress-query budget of a signed-in account

Staff sign-in locks are django-axes': `govhall axes_reset_username USER`, `axes_reset_ip ADDRESS`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govhall.core.models import User
from govhall.portal.services.accounts import release_code_limits
from govhall.portal.throttling import release_progress_limits


class Command(BaseCommand):
    help = "Lift the limits of SMS sign-in codes (per number, per address) and of the progress query."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--phone", default="", help="A mobile number whose code requests are limited")
        parser.add_argument("--address", default="", help="A client address (codes and progress query)")
        parser.add_argument("--case-number", default="", help="A case number whose progress query is limited")
        parser.add_argument("--username", default="", help="A signed-in account's progress-query budget")

    def handle(self, *args, phone: str, address: str, case_number: str, username: str, **options) -> None:
        if not (phone or address or case_number or username):
            raise CommandError("Name what to unlock: --phone, --address, --case-number or --username.")
        user_pk = None
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No account is named {username!r}.")
            user_pk = user.pk
        codes = 0
        if phone or address:
            try:
                codes = release_code_limits(phone=phone, ip=address, now=timezone.now()).codes
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        budgets = release_progress_limits(address=address, number=case_number, user_pk=user_pk)
        self.stdout.write(
            f"unlocked: {codes} counted sign-in code(s) released, {budgets} progress budget(s) reset"
        )
