"""Who sees the statistics: leaders, supervisors and administrators (docs/statistics.md)."""

from govhall.core.models import Role

STATS_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})


def may_see(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.role in STATS_ROLES or user.is_superuser))
