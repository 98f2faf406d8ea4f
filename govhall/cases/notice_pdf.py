"""A written notice (书面通知) as a PDF, A4 portrait: the same words as the printable page (notice.html),
from the same context (notices.notice_context), for the applicant to keep or print.

Like the statistics' reports (stats/pdf.py), the Chinese text is set in STSong-Light, a standard CJK font of
the PDF specification that readers supply, so nothing is embedded and no font is needed on the server. The
notice names the authority, never a member of staff.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
PDF_TYPE = "application/pdf"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _body(ctx: dict) -> list[str]:
    """The notice's paragraphs, the same msgids as notice.html."""
    case, kind, item = ctx["case"], ctx["kind"], ctx["item"]
    name = item.name if item else ""
    received = _day(case.received_on)
    lines: list[str] = []
    if kind == "acceptance":
        lines.append(
            _("Your application for “%(item)s”, received on %(received)s, has been accepted on %(accepted)s.")
            % {"item": name, "received": received, "accepted": _day(case.acceptance_date)}
        )
        lines.append(
            _("We promise to decide within %(n)s working days, that is by %(due)s.")
            % {"n": item.promised_limit, "due": _day(case.promised_due)}
            + _("The legal time limit is %(n)s working days (%(due)s).")
            % {"n": item.legal_limit, "due": _day(case.legal_due)}
        )
        if case.deemed_accepted:
            lines.append(
                _(
                    "No one-time notice was issued within 5 working days of receipt, so the application "
                    "counts as accepted from the day of receipt (Administrative Licensing Law Art. 32)."
                )
            )
    elif kind == "rejection":
        lines.append(
            _("Your application for “%(item)s”, received on %(received)s, is not accepted, for this reason:")
            % {"item": name, "received": received}
        )
        lines.append(case.rejection_reason)
        lines.append(str(ctx.get("rights", "")))
    elif kind == "supplement":
        lines.append(
            _(
                "Your application for “%(item)s”, received on %(received)s, is incomplete. Please hand in "
                "all of the following at once:"
            )
            % {"item": name, "received": received}
        )
        lines += [f"{n}. {row.material.name}" for n, row in enumerate(ctx.get("missing", []), start=1)]
        if case.supplement_note:
            lines.append(f"{_('Corrections needed')}：{case.supplement_note}")
        lines.append(
            _(
                "This notice lists everything that is missing (one-time notice). The application is "
                "accepted on the day the last of these materials is handed in, and the time limit runs from "
                "that day."
            )
        )
    elif kind == "suspension":
        suspension = ctx["suspension"]
        lines.append(
            _("Your case for “%(item)s” enters the special procedure “%(kind)s” on %(start)s.")
            % {"item": name, "kind": suspension.get_kind_display(), "start": _day(suspension.started_on)}
        )
        lines.append(f"{_('Reason')}：{suspension.reason}")
    elif kind == "extension":
        lines.append(
            _(
                "With the approval of the head of %(authority)s, the time limit of your case for "
                "“%(item)s” is extended by %(n)s working days (Administrative Licensing Law Art. 42)."
            )
            % {"authority": ctx["authority"], "item": name, "n": ctx["extension"].days}
        )
        lines.append(
            _("The case will now be decided by %(due)s (legal time limit %(legal)s).")
            % {"due": _day(case.promised_due), "legal": _day(case.legal_due)}
        )
    elif kind == "conclusion":
        lines.append(
            _("Your case for “%(item)s” was concluded on %(date)s.")
            % {"item": name, "date": _day(case.concluded_at)}
        )
        lines.append(f"{_('Decision')}：{case.get_decision_display()}。{case.decision_text}")
    return lines


def notice_pdf(ctx: dict, *, addressee: str, progress_url: str) -> bytes:
    """The notice of `ctx` (notices.notice_context) as PDF bytes; `addressee` as the page shows it."""
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=19, wordWrap="CJK")
    centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=centre, fontSize=20, leading=30, spaceAfter=8)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13)
    case = ctx["case"]
    story = [
        Paragraph(escape(str(ctx["authority"])), centre),
        Paragraph(escape(str(ctx["title"])), title),
        Paragraph(
            escape(
                f"{_('Case number')}：{case.number}    {_('Verification code')}：{case.verification_code}"
            ),
            small,
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{addressee}："), base),
        *[Paragraph(escape(line), base) for line in _body(ctx) if line],
        Spacer(1, 12 * mm),
        Paragraph(escape(str(ctx["authority"])), right),
        Paragraph(escape(_day(ctx["issued_on"])), right),
        Spacer(1, 10 * mm),
        Paragraph(
            escape(
                _("Follow your case at %(url)s with the case number and the verification code.")
                % {"url": progress_url}
            ),
            small,
        ),
        # rating (issue 16): the rating link and code, set by the portal for a rateable case's notice
        *([Paragraph(escape(ctx["rating_line"]), small)] if ctx.get("rating_line") else []),
        Paragraph(
            escape(
                _("%(centre)s · complaints and suggestions: %(phone)s")
                % {"centre": ctx["centre_name"], "phone": ctx["complaint_phone"]}
            ),
            small,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"{ctx['title']} {case.number}", invariant=True,
    )  # fmt: skip
    doc.build(story)
    return out.getvalue()
