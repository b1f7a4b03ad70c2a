"""The joint-meeting report (联席会议报表) rendered to PDF: landscape A4 pages with the worded tables and the charts
drawn as vector graphics (reportlab.graphics, the same series the page draws with ECharts), and at the foot of the
last page the court's name and the date, where the court's seal goes. Pure rendering: confirm/ words the figures.
"""

from __future__ import annotations

import io
import math

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Frame, Paragraph, Spacer, Table, TableStyle

from templates.dates import chinese_date
from templates.fonts import SONG
from templates.layout import draw_string
from templates.model import JointMeetingContent, RenderedDocument, ReportChart, ReportTable, SealBox
from templates.page import MM, SEAL_RED, SEAL_SIZE, new_canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 18 * MM
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 8 * MM  # room for the footer
TITLE = "联席会议报表"
# ECharts' default palette, so a chart reads the same on the page and on paper
PALETTE = ("#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4")
CHART_HEIGHT = 62 * MM
CLOSING_HEIGHT = SEAL_SIZE + 12 * MM

_TITLE_STYLE = ParagraphStyle("title", fontName=SONG, fontSize=20, leading=28, alignment=1, wordWrap="CJK")
_HEADING = ParagraphStyle("heading", fontName=SONG, fontSize=12, leading=18, spaceBefore=6, spaceAfter=3,
                          wordWrap="CJK")
_BODY = ParagraphStyle("body", fontName=SONG, fontSize=9, leading=13, wordWrap="CJK")
_CELL = ParagraphStyle("cell", fontName=SONG, fontSize=7.5, leading=9.5, wordWrap="CJK")
_HEAD_CELL = ParagraphStyle("head", parent=_CELL, alignment=1)


def render_joint_meeting_report(content: JointMeetingContent) -> RenderedDocument:
    """Render the report; the seal box lies over the date at the foot of the last page."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=f"{content.court_name}{TITLE}", author=content.court_name,
                        subject=f"{TITLE}（{content.period_label}）", dev_mode=content.dev_mode)
    canvas.setPageSize((PAGE_WIDTH, PAGE_HEIGHT))
    story: list[Flowable] = [Paragraph(f"{_escape(content.court_name)}<br/>{TITLE}", _TITLE_STYLE),
                             Paragraph(f"统计期间：{_escape(content.period_label)}", _BODY), Spacer(1, 4 * MM)]
    for table in content.tables:
        story += [CondPageBreak(30 * MM), Paragraph(_escape(table.title), _HEADING), _table(table)]
    half = FRAME_WIDTH / 2
    for i in range(0, len(content.charts), 2):  # two charts a row
        pair = content.charts[i:i + 2]
        row = Table([[Paragraph(_escape(c.title), _HEADING) for c in pair], [_chart(c, half - 4 * MM) for c in pair]],
                    colWidths=[half] * len(pair), hAlign="LEFT")
        row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [CondPageBreak(CHART_HEIGHT + 12 * MM), row]
    story += [Spacer(1, 2 * MM), *(Paragraph(_escape(note), _BODY) for note in content.notes)]

    pages = 0
    dev_marker = "开发测试文书 DEV — 无法律效力" if content.dev_mode else None
    while True:
        frame = Frame(MARGIN, MARGIN + 8 * MM, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, showBoundary=0)
        _fill(frame, story, canvas)
        pages += 1
        if not story and frame._y - frame._y1 >= CLOSING_HEIGHT:  # the closing fits under the last flowable
            seal_box = _closing(canvas, content, top=frame._y, page_index=pages - 1)
            _furniture(canvas, pages, dev_marker)
            break
        _furniture(canvas, pages, dev_marker)
        canvas.showPage()
        if not story:  # the closing alone on a new page
            pages += 1
            seal_box = _closing(canvas, content, top=MARGIN + 8 * MM + FRAME_HEIGHT, page_index=pages - 1)
            _furniture(canvas, pages, dev_marker)
            break
    canvas.save()
    return RenderedDocument(pdf=buffer.getvalue(), seal_box=seal_box)


def _fill(frame: Frame, story: list[Flowable], canvas: object) -> None:
    """Put as much of the story in the frame as fits, splitting a table across pages (Frame.addFromList alone
    never splits); a flowable that neither fits nor splits on an empty frame is an error, not an endless loop."""
    empty = True
    while story:
        if frame.add(story[0], canvas, trySplit=0):
            story.pop(0)
            empty = False
            continue
        parts = frame.split(story[0], canvas)
        if len(parts) > 1:
            story[0:1] = parts
            continue
        if empty:
            raise ValueError(f"{type(story[0]).__name__} does not fit on an empty page")
        return


def _furniture(canvas: object, page: int, dev_marker: str | None) -> None:
    draw_string(canvas, f"第 {page} 页", PAGE_WIDTH / 2, 10 * MM, 10.5, align="center")  # type: ignore[arg-type]
    if dev_marker:
        draw_string(canvas, dev_marker, PAGE_WIDTH / 2, PAGE_HEIGHT - 10 * MM, 10.5,  # type: ignore[arg-type]
                    align="center", color=SEAL_RED)


def _closing(canvas: object, content: JointMeetingContent, *, top: float, page_index: int) -> SealBox:
    """The court's name and the date (in Chinese numerals) at the right, the seal over the date."""
    right = PAGE_WIDTH - MARGIN - 60 * MM
    date_y = top - CLOSING_HEIGHT + SEAL_SIZE / 2
    draw_string(canvas, content.court_name, right, date_y + 22, 14, align="center")  # type: ignore[arg-type]
    draw_string(canvas, chinese_date(content.issued_on), right, date_y, 14, align="center")  # type: ignore[arg-type]
    x1, y1 = right - SEAL_SIZE / 2, date_y + 6 - SEAL_SIZE / 2
    return SealBox(page_index, x1, y1, x1 + SEAL_SIZE, y1 + SEAL_SIZE)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(table: ReportTable) -> Table:
    columns = len(table.header)
    first = min(55 * MM, FRAME_WIDTH / 3) if columns > 2 else FRAME_WIDTH / 2
    widths = [first, *([(FRAME_WIDTH - first) / (columns - 1)] * (columns - 1))] if columns > 1 else [FRAME_WIDTH]
    data = [[Paragraph(_escape(h), _HEAD_CELL) for h in table.header],
            *([Paragraph(_escape(c), _CELL) for c in row] for row in table.rows)]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return result


def _chart(chart: ReportChart, width: float) -> Drawing:
    """A vertical bar chart (grouped, or stacked) with a legend: the series of the page's ECharts chart."""
    drawing = Drawing(width, CHART_HEIGHT)
    bars = VerticalBarChart()
    bars.x, bars.y = 30, 24
    bars.width, bars.height = width - 150, CHART_HEIGHT - 34
    scale = 100.0 if chart.percent else 1.0
    bars.data = [tuple(None if v is None else v * scale for v in values) for _name, values in chart.series]
    bars.categoryAxis.categoryNames = [_short(c) for c in chart.categories]
    bars.categoryAxis.labels.fontName = SONG
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "n"
    bars.valueAxis.labels.fontName = SONG
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    top = max((v for _n, values in chart.series for v in values if v is not None), default=0.0) * scale
    if chart.stacked:
        top = max((sum(v or 0.0 for v in column) * scale for column in zip(*(s[1] for s in chart.series))),
                  default=0.0)
        bars.categoryAxis.style = "stacked"
    bars.valueAxis.valueMax = 100 if chart.percent else max(_nice(top), 1)
    if chart.percent:
        bars.valueAxis.labelTextFormat = "%d%%"
    elif bars.valueAxis.valueMax <= 10:
        bars.valueAxis.valueStep = 1
    for i, _series in enumerate(chart.series):
        bars.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        bars.bars[i].strokeColor = None
    bars.barLabelFormat = _percent_label if chart.percent else _count_label
    bars.barLabels.fontName = SONG
    bars.barLabels.fontSize = 6
    bars.barLabels.nudge = 5
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = width - 105, CHART_HEIGHT - 8
    legend.fontName, legend.fontSize = SONG, 7
    legend.columnMaximum = 7
    legend.dx = legend.dy = 6
    legend.alignment = "right"
    legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), name)
                             for i, (name, _v) in enumerate(chart.series)]
    drawing.add(legend)
    if not chart.categories:
        drawing.add(String(width / 2 - 60, CHART_HEIGHT / 2, "（无数据）", fontName=SONG, fontSize=9))
    return drawing


def _count_label(value: float | None) -> str:
    return "" if not value else f"{value:g}"  # no label on an empty bar


def _percent_label(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice(top: float) -> float:
    """An axis maximum a little above ``top``, so the bars' labels fit."""
    return float(math.ceil(top * 1.15))
