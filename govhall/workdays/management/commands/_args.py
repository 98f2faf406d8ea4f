"""Argument types that state the rule when the input is bad (argparse prefixes the argument's name)."""

from __future__ import annotations

import argparse
import re
from datetime import date

from django.utils.translation import gettext as _

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date():
    def parse(text: str) -> date:
        try:
            if _ISO_DATE.match(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise argparse.ArgumentTypeError(_("“%s” is not a date in the form YYYY-MM-DD") % text)

    return parse


def integer():
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("“%s” is not a whole number") % text) from None

    return parse
