"""Django's `createsuperuser`, with the password policy also for DJANGO_SUPERUSER_PASSWORD.

Asked interactively, Django checks the password against AUTH_PASSWORD_VALIDATORS (and lets the operator
override it); given in the environment with --noinput, it does not check it at all. An installation
script would then create an administrator with a password the policy refuses everywhere else.
"""

from __future__ import annotations

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core import exceptions
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options.get("interactive") and password is not None:
            username = options.get(self.UserModel.USERNAME_FIELD) or os.environ.get(
                "DJANGO_SUPERUSER_" + self.UserModel.USERNAME_FIELD.upper(), ""
            )
            try:
                validate_password(password, self.UserModel(**{self.UserModel.USERNAME_FIELD: username}))
            except exceptions.ValidationError as error:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD does not meet the password policy: " + " ".join(error.messages)
                ) from None
        return super().handle(*args, **options)
