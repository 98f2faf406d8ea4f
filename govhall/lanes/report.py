"""`govhall catalog compression`: the compression report as text or JSON."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from govhall.lanes.queries import compression_report


def _pct(value) -> str:
    return "-" if value is None else f"−{value:.1f} %"


def print_compression(out, *, as_json: bool = False) -> None:
    report = compression_report()
    if as_json:
        out.write(json.dumps(report, ensure_ascii=False, indent=2))
        return
    t = report["totals"]
    out.write(
        _("All %(items)s items: legal %(legal)s → promised %(promised)s working days (%(pct)s)")
        % {
            "items": t["items"],
            "legal": t["legal_limit_sum"],
            "promised": t["promised_limit_sum"],
            "pct": _pct(t["compression_percent"]),
        }
    )
    out.write("")
    out.write(_("By department"))
    for d in report["departments"]:
        out.write(
            f"  {d['name']:<16}\t{d['items']:>3}\t{d['legal_limit_sum']:>5} → {d['promised_limit_sum']:>5}\t"
            f"{_pct(d['compression_percent'])}"
        )
    out.write("")
    out.write(
        _("Fast lanes: serial (one item after another) against parallel (stages in turn, items side by side)")
    )
    for lane in report["lanes"]:
        out.write(
            _(
                "  %(name)s: %(serial)s → %(parallel)s working days, %(saving)s saved (%(pct)s); "
                "stage limits %(limit)s"
            )
            % {
                "name": lane["name"],
                "serial": lane["serial_days"],
                "parallel": lane["parallel_days"],
                "saving": lane["saving_days"],
                "pct": _pct(lane["saving_percent"]),
                "limit": lane["lane_limit_days"],
            }
        )
