"""govhall open311 key create NAME | govhall open311 key list | govhall open311 key revoke NAME"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.hotline.models import Open311Key
from govhall.hotline.open311.keys import create_key, revoke_key


class Command(BaseCommand):
    help = "Open311 API keys of third-party clients."

    def add_arguments(self, parser) -> None:
        flag = {"called_from_command_line": getattr(parser, "called_from_command_line", None)}
        sub = parser.add_subparsers(dest="what", required=True, metavar="{key}")
        key = sub.add_parser("key", help="create, list or revoke API keys", **flag)
        actions = key.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser(
            "create", help="make a key for a client; the key is printed once, alone on the last line", **flag
        )
        create.add_argument("name", metavar="NAME")
        actions.add_parser("list", help="the keys: name, created, revoked", **flag)
        revoke = actions.add_parser("revoke", help="revoke the key of a client", **flag)
        revoke.add_argument("name", metavar="NAME")

    def handle(self, *args, action: str, **options) -> None:
        now = timezone.now()
        try:
            if action == "create":
                row, raw = create_key(name=options["name"], now=now)
                self.stdout.write(
                    _("Open311 key “%(name)s” created. It is shown only now; keep it safe:")
                    % {"name": row.name}
                )
                self.stdout.write(raw)
            elif action == "revoke":
                row = revoke_key(name=options["name"], now=now)
                self.stdout.write(
                    _("Open311 key “%(name)s” revoked at %(at)s.")
                    % {"name": row.name, "at": timezone.localtime(row.revoked_at).isoformat()}
                )
            else:
                for row in Open311Key.objects.order_by("name"):
                    created = timezone.localtime(row.created_at).isoformat(timespec="seconds")
                    revoked = (
                        timezone.localtime(row.revoked_at).isoformat(timespec="seconds")
                        if row.revoked_at
                        else "-"
                    )
                    self.stdout.write(f"{row.name}\t{created}\t{revoked}")
        except ValidationError as exc:
            raise CommandError("; ".join(m for ms in exc.message_dict.values() for m in ms)) from None
