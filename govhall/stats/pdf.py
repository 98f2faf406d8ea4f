"""The monthly assessment report as a PDF (ReportLab): the tables of the printable page, A4 landscape.

The Chinese text is set in STSong-Light, one of the standard CJK fonts of the PDF specification (Adobe-GB1):
the file names it and does not embed it, and every PDF reader with Chinese support supplies it (Adobe
Reader, the browsers' viewers, WPS; Windows maps it to SimSun, Linux to its installed CJK font). That keeps
the file small and needs no font on the server. The output is invariant (no creation time inside), so a
published report gives the same bytes at every download.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from govhall.stats.export import Table
from govhall.stats.templatetags.stats import figure

FONT = "STSong-Light"
PDF_TYPE = "application/pdf"
PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEADER_BG = colors.HexColor("#DDE6F0")
STRIPE_BG = colors.HexColor("#F5F7FA")
RULE = colors.HexColor("#B8C4D0")

_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10, leading=14, textColor=colors.HexColor("#445")),
        "lead": ParagraphStyle("lead", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "cell": base,
        "num": ParagraphStyle("num", parent=base, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontSize=8.5, leading=11),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#556")
        ),
    }


# Characters outside the font's Unicode map (UniGB-UCS2-H), drawn as boxes: replaced by ones inside it.
_SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u22c5": "\u30fb"})
CAP = 70 * mm  # the widest a column gets before its text wraps
PADDING = 12  # points: the cell's left and right padding


def _plain(value) -> str:
    return str(value).translate(_SUBSTITUTES)


def _text(value) -> str:
    return escape(_plain(value))


def _widths(table: Table, styles: dict) -> list[float]:
    """Column widths: each column wants room for its widest value and its whole heading (at most CAP);
    when that is wider than the page, each gets at least its widest value (numbers and dates never wrap)
    and a heading of two characters a line, and the rest of the page is shared in proportion to what
    each still wants."""
    head, cell = styles["head"], styles["cell"]

    def width(text: str, style) -> float:
        return pdfmetrics.stringWidth(text, style.fontName, style.fontSize) + PADDING + 2

    wants, needs = [], []
    for column in table.columns:
        values = [_plain(figure(r.get(column.key), column.kind)) for r in table.rows[:300]]
        label = _plain(column.label)
        widest = max((width(v, cell) for v in values), default=0)
        want = min(CAP, max(widest, width(label, head)))
        wraps = column.kind == "text"
        need = max(width(label[:2], head), min(widest, 36 * mm if wraps else CAP))
        wants.append(want)
        needs.append(min(need, want))
    if sum(wants) <= WIDTH:
        return wants
    if sum(needs) >= WIDTH:
        return [WIDTH * n / sum(needs) for n in needs]
    spare, more = WIDTH - sum(needs), [w - n for w, n in zip(wants, needs, strict=True)]
    return [n + spare * m / sum(more) for n, m in zip(needs, more, strict=True)]


def _table(table: Table, styles: dict) -> list:
    heading = Paragraph(_text(table.title), styles["h2"])
    if not table.rows:
        return [KeepTogether([heading, Paragraph(_text(_("Nothing in this period.")), styles["note"])])]
    numeric = [c.kind not in ("text", "date") for c in table.columns]
    head = [
        Paragraph(_text(c.label), styles["num"] if n else styles["head"])
        for c, n in zip(table.columns, numeric, strict=True)
    ]
    body = [
        [
            Paragraph(_text(figure(row.get(c.key), c.kind)), styles["num"] if n else styles["cell"])
            for c, n in zip(table.columns, numeric, strict=True)
        ]
        for row in table.rows
    ]
    grid = PdfTable([head, *body], colWidths=_widths(table, styles), repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), STRIPE_BG) for i in range(2, len(body) + 1, 2)]
    grid.setStyle(TableStyle(commands))
    # A short table stays on one page with its heading; a long one starts where it is and runs on.
    parts = [KeepTogether([heading, grid])] if len(body) < 12 else [heading, grid]
    if table.note:
        parts.append(Paragraph(_text(table.note), styles["note"]))
    return parts


def to_pdf(
    tables: Sequence[Table], *, title: str, lines: Sequence[str], lead: str, footer: str, author: str
) -> bytes:
    """A4 landscape: the title, the lines under it, the lead paragraph, then each table (its header row
    repeated on every page it runs over); `footer` and the page number at the bottom of every page."""
    styles = _styles()
    story = [Paragraph(_text(title), styles["title"])]
    story += [Paragraph(_text(line), styles["sub"]) for line in lines]
    if lead:
        story.append(Paragraph(_text(lead), styles["lead"]))
    story.append(Spacer(1, 2 * mm))
    for table in tables:
        story += _table(table, styles)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(_font(), 8)
        canvas.setFillColor(colors.HexColor("#556"))
        canvas.drawString(MARGIN, 8 * mm, _plain(footer))
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, _("Page %(n)s") % {"n": doc.page})
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author=author,
        creator="govhall",
        subject=title,
        invariant=True,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def report_pdf(report) -> bytes:
    """The monthly assessment report (a stats.Report) as the printable page shows it, in the current
    language."""
    from django.conf import settings

    from govhall.stats.tables import report_tables, report_texts

    texts = report_texts(report)
    return to_pdf(
        report_tables(report.data),
        title=texts["title"],
        lines=[texts["period"], texts["state"]],
        lead=texts["lead"],
        footer=f"{texts['title']} · {texts['state']}",
        author=settings.GOVHALL_CENTRE_NAME,
    )
