"""Admin of the visit and its rating; each part registers its models in its own module."""

from govhall.visits import admin_ratings, admin_visit  # noqa: F401
