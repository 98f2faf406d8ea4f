"""`govhall api token create USER [--expires DAYS] [--scope read|role] [--name NAME]`, `token list [USER]`,
`token revoke (USER | --key KEY)`: API tokens from the command line (docs/api.md "Signing in").

`create` prints the token alone on its last line (a script takes `| tail -n 1`); it is shown only
once, since only its digest is stored."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import ApiToken, TokenScope, User
from govhall.core.tokens import create_token, revoke_tokens


class Command(BaseCommand):
    help = "API tokens: create, list and revoke (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True)
        token = what.add_parser("token", help="API tokens for `Authorization: Token <token>`.")
        action = token.add_subparsers(dest="action", required=True)
        create = action.add_parser("create", help="Make a token; prints it alone on the last line.")
        create.add_argument("username")
        create.add_argument(
            "--expires",
            type=int,
            metavar="DAYS",
            help="Days until it expires (default 90).",
        )
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read: only GET; role: what the user's role may do (default: read).",
        )
        create.add_argument("--name", default="", help="Which client uses it.")
        listing = action.add_parser("list", help="Tokens (key, user, scope, expiry); never the tokens.")
        listing.add_argument("username", nargs="?")
        revoke = action.add_parser("revoke", help="Delete every token of a user, or one by its key.")
        revoke.add_argument("username", nargs="?")
        revoke.add_argument("--key", help="The key shown by `list` (the token's first characters).")

    def handle(self, *args, what: str, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": username}, returncode=2)
        return user

    def _create(self, *, username: str, expires: int | None, scope: str, name: str, **options) -> None:
        user = self._user(username)
        if not user.is_active:
            raise CommandError(_("User “%(name)s” is not active.") % {"name": username}, returncode=2)
        if expires is not None and expires < 1:
            raise CommandError(_("--expires must be at least 1 day."), returncode=2)
        token, text = create_token(user, scope=scope, days=expires, name=name, now=timezone.now())
        self.stderr.write(
            _("Token %(key)s for %(user)s (%(scope)s), expires %(expiry)s. It is shown only now:")
            % {
                "key": token.token_key,
                "user": user.username,
                "scope": token.scope,
                "expiry": timezone.localtime(token.expiry).isoformat(timespec="minutes"),
            }
        )
        self.stdout.write(text)

    def _list(self, *, username: str | None, **options) -> None:
        tokens = ApiToken.objects.select_related("user")
        if username:
            tokens = tokens.filter(user=self._user(username))
        now = timezone.now()

        def when(moment) -> str:
            return timezone.localtime(moment).isoformat(timespec="minutes") if moment else "-"

        for token in tokens:
            expired = token.expiry is not None and token.expiry < now
            self.stdout.write(
                "\t".join(
                    [
                        token.token_key,
                        token.user.username,
                        token.scope,
                        token.name,
                        timezone.localtime(token.expiry).isoformat(timespec="minutes")
                        if token.expiry
                        else "-",
                        _("expired") if expired else "",
                    ]
                ).rstrip()
            )

    def _revoke(self, *, username: str | None, key: str | None, **options) -> None:
        if not username and not key:
            raise CommandError(_("Name a user or a --key."), returncode=2)
        user = self._user(username) if username else None
        deleted = revoke_tokens(user=user, key=key)
        self.stdout.write(_("%(n)s token(s) revoked.") % {"n": deleted})
        if not deleted:
            raise CommandError(_("No such token."), returncode=1)
