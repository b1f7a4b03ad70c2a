"""Outcomes look like what they are on the mediator's pages (issue 14 item 4): each its own colour and words, the
grounds in the court's words, the judge's reasoning, and what the parties can do next (CPL 206)."""

from __future__ import annotations

import re

from tests.support import decided, issued, page_login

REASONING = "协议第二条约定的付款期限前后矛盾，\n无法确定履行时间。"



def chip(html: str, app_id: str) -> str:
    row = html[html.index(f'href="/m/a/{app_id}"'):]
    return re.search(r'<span class="status [^"]*">[^<]*</span>', row[:row.index("</tr>")]).group(0)


def notice(html: str) -> str:
    return html[html.index('<section class="card notice-ruling'):html.index("</section>", html.index("notice-ruling"))]


def test_a_rejection_shows_its_colour_grounds_reasoning_and_the_cpl_206_next_steps(client, passwords):
    app_id = decided(client, passwords, "rejected", ["unclear_content", "violates_mandatory_law"], REASONING)
    page_login(client, "mediator", passwords["mediator"])
    html = client.get(f"/m/a/{app_id}").text
    section = notice(html)
    assert 'class="card notice-ruling outcome-rejected"' in section
    assert re.search(r'class="status s-issued outcome-rejected" id="status">裁定书已出具 · 驳回司法确认申请<', html)
    assert "<li>内容不明确</li><li>违反法律强制性规定</li>" in section  # the court's words, the judge's order
    assert REASONING in section  # the judge's own text, line break and all (white-space: pre-line)
    steps = "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼"
    assert f'<h3>当事人下一步可以</h3>\n  <p class="outcome-next">{steps}' in section and section.count(steps) == 1
    assert "对方当事人可以向人民法院申请执行" not in section
    assert "unclear_content" not in html


def test_a_confirmation_shows_the_enforcement_next_step_and_no_grounds(client, passwords):
    _m, app_id, _ = issued(client, passwords)
    page_login(client, "mediator", passwords["mediator"])
    section = notice(client.get(f"/m/a/{app_id}").text)
    assert 'class="card notice-ruling outcome-confirmed"' in section
    steps = "一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行"
    assert f'<p class="outcome-next">{steps}' in section and section.count(steps) == 1
    assert "裁定理由" not in section and "法官的说明" not in section and "提起诉讼" not in section


def test_the_list_tells_a_rejection_from_a_confirmation(client, passwords):
    _m, confirmed, _ = issued(client, passwords)
    rejected = decided(client, passwords, "rejected", ["unclear_content"])
    not_accepted = decided(client, passwords, "not_accepted", ["outside_jurisdiction"])
    page_login(client, "mediator", passwords["mediator"])
    html = client.get("/m").text
    assert chip(html, confirmed) == '<span class="status s-issued outcome-confirmed">裁定书已出具 · 确认调解协议有效</span>'
    assert chip(html, rejected) == '<span class="status s-issued outcome-rejected">裁定书已出具 · 驳回司法确认申请</span>'
    assert chip(html, not_accepted) == '<span class="status s-issued outcome-not_accepted">裁定书已出具 · 不予受理</span>'


def test_each_outcome_has_its_own_chip_colour_in_the_stylesheet(client):
    from confirm.law.review import Outcome
    from confirm.web.assets import static_url

    css = client.get(static_url("staff.css")).text
    mine = css[css.index("/* outcomes on the mediator's pages */"):]
    colours = {o: re.search(rf"\.outcome-{o.value} {{ --ink: #[0-9a-f]{{6}}; --chip: (#[0-9a-f]{{6}})", mine).group(1)
               for o in Outcome}
    assert len(set(colours.values())) == len(Outcome)
    issued_green = re.search(r"\.status\.s-issued, \.status\.s-served \{ background: (#[0-9a-f]{6})", css).group(1)
    assert colours[Outcome.REJECTED] != issued_green and colours[Outcome.NOT_ACCEPTED] != issued_green
