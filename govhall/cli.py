"""The `govhall` command: every subcommand is a Django management command.

govhall workdays add 2026-09-30 5
govhall calendar load notice-2027.yaml
govhall catalog summary
govhall demo
govhall serve
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["govhall", *args])


if __name__ == "__main__":
    main()
