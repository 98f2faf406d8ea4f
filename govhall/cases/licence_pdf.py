"""An electronic licence as a one-page PDF (ReportLab), drawn from its row at every download.

STSong-Light, a standard CJK font of the PDF specification, is named and not embedded (see stats/pdf.py):
small files, no font on the server. No creation time inside, so the same licence gives the same bytes.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from govhall.cases.models import Licence

FONT = "STSong-Light"


def render_licence(licence: Licence, *, centre_name: str) -> bytes:
    """The licence in the centre's language (zh-Hans), whatever the reader's page language."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=1, spaceAfter=12)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13)
    with translation.override("zh-hans"):
        rows = [
            (_("Licence number"), licence.number),
            (_("Holder"), licence.holder_name),
            (_("Holder's ID number or credit code"), licence.holder_id),
            (_("Issuing department"), licence.department.name),
            (_("Date of issue"), licence.issued_on.isoformat()),
            (_("Valid until"), str(licence.valid_until or _("until revoked"))),
            (_("Case number"), licence.case.number),
        ]
        note = _(
            "Electronic licence recorded by %(centre)s. Check it with the case number and its verification "
            "code in the online service hall's progress query."
        ) % {"centre": centre_name}
        heading = str(licence.licence_type.name)
        subject = _("Electronic licence")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=f"{heading} {licence.number}",
        author=centre_name,
        subject=subject,
        invariant=1,
    )
    table = Table(
        [[Paragraph(escape(str(k)), base), Paragraph(escape(str(v)), base)] for k, v in rows],
        colWidths=[55 * mm, 110 * mm],
    )
    grid = [("GRID", (0, 0), (-1, -1), 0.5, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    table.setStyle(TableStyle(grid))
    doc.build([Paragraph(escape(heading), title), table, Spacer(1, 10 * mm), Paragraph(escape(note), small)])
    return buffer.getvalue()
