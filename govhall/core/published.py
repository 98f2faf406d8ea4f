"""Credentials whose password is public (the demo city's accounts, printed in the README).

The demo registers them here (a registry, so core does not import the demo); the authentication backend
refuses them in production, whatever the database holds: a database copied from a demo, or accounts
loaded before production mode was turned on, must not open the case list to anyone who read the README.
"""

from __future__ import annotations

import hmac

_PUBLISHED: dict[str, str] = {}


def publish(username: str, password: str) -> None:
    """Record that `password` of `username` is public."""
    _PUBLISHED[username] = password


def is_published(username: str | None, password: str | None) -> bool:
    if not username or password is None:
        return False
    known = _PUBLISHED.get(username)
    return known is not None and hmac.compare_digest(known.encode(), password.encode())
