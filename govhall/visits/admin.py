"""Admin of the visit and its rating; each part registers its models in its own module."""

# --- rating (issue 16) ---
from govhall.visits import admin_ratings  # noqa: F401
"""Admin of the visits app: each part registers its models in its own module."""

# part visit
from govhall.visits import admin_visit  # noqa: F401
