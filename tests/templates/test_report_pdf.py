"""The joint-meeting report's PDF as rendered (before sealing): the tables run over pages with their header
repeated, the charts are vector drawings, and the seal box lies on the last page over the closing date."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from templates import render_joint_meeting_report
from templates.model import JointMeetingContent, ReportChart, ReportTable
from templates.report import PAGE_HEIGHT, PAGE_WIDTH


def content(organisations: int) -> JointMeetingContent:
    rows = tuple((f"第{n}调解委员会", str(n), "0") for n in range(1, organisations + 1))
    chart = ReportChart("volume", "图1　收案", tuple(r[0] for r in rows[:12]),
                        (("收到申请", tuple(float(n) for n in range(1, 13))), ("履行率", (None,) * 12)))
    return JointMeetingContent(court_name="重庆市秀山土家族苗族自治县人民法院", period_label="2026年3月1日至2026年3月31日（31日）",
                               issued_on=date(2026, 4, 1), tables=(ReportTable("一、汇总", ("分组", "收到", "裁定"), rows),),
                               charts=(chart,), notes=("说明：测试。",))


def page_count(pdf: bytes, tmp_path: Path) -> int:
    (tmp_path / "p.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "p.pdf")], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def text_of(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "r.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_long_table_runs_over_pages_and_the_seal_is_on_the_last(tmp_path):
    rendered = render_joint_meeting_report(content(60))
    pages = page_count(rendered.pdf, tmp_path)
    assert pages >= 2
    box = rendered.seal_box
    assert box.page_index == pages - 1
    assert 0 < box.x1 < box.x2 <= PAGE_WIDTH and 0 < box.y1 < box.y2 <= PAGE_HEIGHT
    text = text_of(rendered.pdf, tmp_path)
    assert text.count("分组") >= 2  # the header repeated on the table's next page
    assert "第60调解委员会" in text and "二〇二六年四月一日" in text and "图1" in text


def test_the_seal_is_on_the_last_page_of_a_short_report_too(tmp_path):
    rendered = render_joint_meeting_report(content(2))
    assert rendered.seal_box.page_index == page_count(rendered.pdf, tmp_path) - 1
    assert "联席会议报表" in text_of(rendered.pdf, tmp_path)
