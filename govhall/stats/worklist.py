"""The statistics tiles on the first page (govhall.core.worklist): this month so far, and the latest
assessment report. They link to the dashboard and to the report."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.worklist import Tile, register
from govhall.stats import permissions
from govhall.stats.models import Report
from govhall.stats.queries import Filters, table


@register
def stats_tiles(user, now: datetime) -> list[Tile]:
    if not permissions.may_see(user):
        return []
    today = timezone.localdate(now)
    month = Filters(date_from=today.replace(day=1), date_to=today)
    figures = table(month, None)[None]
    dashboard = (
        reverse("stats:index")
        + "?"
        + urlencode({"from": month.date_from.isoformat(), "to": month.date_to.isoformat()})
    )
    rate = figures.get("on_time_rate")
    tiles = [
        Tile("accepted", _("Accepted this month"), figures.get("accepted") or 0, dashboard),
        Tile("on_time", _("On time this month"), 0, dashboard, text="—" if rate is None else f"{rate} %"),
    ]
    latest = Report.objects.order_by("-month").first()
    if latest is not None:
        label = _("Assessment report %(month)s") % {"month": latest.month.strftime("%Y-%m")}
        url = reverse("stats:report", kwargs={"month": latest.month.strftime("%Y-%m")})
        tiles.append(Tile("report", label, 0, url, text=str(latest.get_state_display())))
    return tiles
