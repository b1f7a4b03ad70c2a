"""Fixtures for templates/: realistic rulings and receipts, and the real poppler tools to read what was rendered.

The poppler tools are required: a missing tool fails the test rather than skipping it, since these checks are
what tells us a printed ruling reads right.
"""

from __future__ import annotations

import dataclasses
import html
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from templates.model import (
    AddressConfirmationContent,
    AgentInfo,
    ExecutionApplicationContent,
    ExecutionItemText,
    ObjectionRulingContent,
    PartyInfo,
    PerformanceCertificateContent,
    ReceiptContent,
    ReceiptRecipient,
    ReceiptRefusal,
    RulingContent,
    VoucherContent,
)

COURT = "重庆市秀山土家族苗族自治县人民法院"
CASE_NUMBER = "（2026）渝0241民特123号"
VERIFY_URL = "https://verify.jiudi.example.cn/v/Zq3xK9vL2mN8pR4tW6yB1cD5fG7hJ0kA"

AGREEMENT = """一、申请人张三与申请人重庆秀山某某商贸有限公司确认，截至2026年11月20日，重庆秀山某某商贸有限公司尚欠张三货款人民币86000元。
二、重庆秀山某某商贸有限公司于2026年12月31日前向张三支付货款人民币50000元，于2027年3月31日前支付剩余货款人民币36000元。
三、如重庆秀山某某商贸有限公司未按期足额支付任何一期款项，张三有权就全部未付款项一次性申请强制执行。
四、双方就本纠纷再无其他争议。"""


@dataclasses.dataclass(frozen=True)
class Word:
    text: str
    x1: float
    y1: float
    x2: float
    y2: float


POPPLER_TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdftocairo", "pdfimages", "pdfinfo")


class Poppler:
    """The poppler command-line tools, run on PDF bytes."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._n = 0

    def _write(self, pdf: bytes) -> Path:
        self._n += 1
        path = self.workdir / f"doc{self._n}.pdf"
        path.write_bytes(pdf)
        return path

    @staticmethod
    def _run(*args: str) -> str:
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    def text(self, pdf: bytes, *, page: int | None = None, layout: bool = False) -> str:
        args = ["pdftotext", "-enc", "UTF-8"]
        if layout:
            args.append("-layout")
        if page is not None:
            args += ["-f", str(page + 1), "-l", str(page + 1)]
        return self._run(*args, str(self._write(pdf)), "-")

    def pages(self, pdf: bytes) -> list[str]:
        """The text of each page (pdftotext separates pages with form feeds)."""
        return self.text(pdf).split("\f")[:-1]

    def words(self, pdf: bytes) -> list[list[Word]]:
        """Each page's words with their boxes (pdftotext -bbox), in PDF coordinates (origin bottom-left)."""
        out = self.workdir / f"bbox{self._n}.html"
        self._run("pdftotext", "-bbox", "-enc", "UTF-8", str(self._write(pdf)), str(out))
        pages: list[list[Word]] = []
        for page in re.finditer(
            r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out.read_text("utf-8"), re.DOTALL
        ):
            height = float(page.group(2))
            pages.append(
                [
                    Word(
                        html.unescape(m.group(5)),
                        float(m.group(1)),
                        height - float(m.group(4)),
                        float(m.group(3)),
                        height - float(m.group(2)),
                    )
                    for m in re.finditer(
                        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                        page.group(3),
                    )
                ]
            )
        return pages

    def fonts(self, pdf: bytes) -> list[list[str]]:
        """pdffonts rows, split on whitespace (name, type…, emb, sub, uni, object id)."""
        lines = self._run("pdffonts", str(self._write(pdf))).splitlines()
        return [line.split() for line in lines[2:] if line.strip()]

    def info(self, pdf: bytes) -> dict[str, str]:
        lines = self._run("pdfinfo", str(self._write(pdf))).splitlines()
        return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}

    def images(self, pdf: bytes) -> list[list[str]]:
        """pdfimages -list rows (page, num, type, width, height, color, …)."""
        lines = self._run("pdfimages", "-list", str(self._write(pdf))).splitlines()
        return [line.split() for line in lines[2:] if line.strip()]

    def transparent_png(self, pdf: bytes, *, dpi: int = 300) -> Image.Image:
        stem = self.workdir / f"transp{self._n}"
        self._run(
            "pdftocairo", "-png", "-transp", "-r", str(dpi), "-singlefile", str(self._write(pdf)), str(stem)
        )
        return Image.open(f"{stem}.png").convert("RGBA")

    def png(self, pdf: bytes, *, page: int = 0, dpi: int = 150) -> Image.Image:
        stem = self.workdir / f"page{self._n}"
        path = self._write(pdf)
        self._run(
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-singlefile",
            str(path),
            str(stem),
        )
        return Image.open(f"{stem}.png").convert("RGB")


@pytest.fixture
def poppler(tmp_path: Path) -> Poppler:
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"poppler-utils tools missing: {missing} (apt-get install poppler-utils)")
    return Poppler(tmp_path)


def _person() -> PartyInfo:
    return PartyInfo(
        kind="person",
        name="张三",
        sex="女",
        birth_date=date(1949, 12, 31),
        ethnicity="汉族",
        address="重庆市秀山土家族苗族自治县中和街道渝秀大道88号",
        id_number="11010519491231002X",
        credit_code=None,
        representative=None,
        agent=AgentInfo(name="李四", kind="lawyer", unit="重庆某某律师事务所"),
        occupation="个体工商户",
    )


def _company() -> PartyInfo:
    return PartyInfo(
        kind="organization",
        name="重庆秀山某某商贸有限公司",
        sex=None,
        birth_date=None,
        ethnicity=None,
        address="重庆市秀山土家族苗族自治县乌杨街道工业园区12号",
        id_number=None,
        credit_code="914403001922038216",
        representative="王五",
        representative_title="总经理",
    )


def _older_person() -> PartyInfo:
    return PartyInfo(
        kind="person",
        name="欧阳镕",
        sex="男",
        birth_date=date(1880, 1, 1),
        ethnicity="苗族",
        address="广东省潮州市饶平县黄冈镇",
        id_number="440524188001010014",
        credit_code=None,
        representative=None,
    )


@pytest.fixture
def confirmed() -> RulingContent:
    return RulingContent(
        court_name=COURT,
        case_number=CASE_NUMBER,
        outcome="confirmed",
        parties=(_person(), _company()),
        dispute_type="买卖合同纠纷",
        mediation_organization="秀山土家族苗族自治县中和街道人民调解委员会",
        mediation_concluded_on=date(2026, 11, 20),
        applied_on=date(2026, 11, 25),
        accepted_on=date(2026, 11, 25),
        agreement_text=AGREEMENT,
        verification_method="video",
        verification_at=datetime(2026, 11, 27, 10, 30),
        grounds=(),
        reasoning="",
        judge_name="赵六",
        clerk_name="钱七",
        decided_on=date(2026, 11, 28),
        verify_url=VERIFY_URL,
        check_code="7K4M-Q2XP",
        dev_mode=True,
    )


@pytest.fixture
def rejected(confirmed: RulingContent) -> RulingContent:
    return dataclasses.replace(
        confirmed,
        outcome="rejected",
        parties=(_person(), _older_person()),
        grounds=("unclear_content", "violates_mandatory_law"),
        reasoning="调解协议约定的利息超过法律规定的上限，且未载明履行期限。",
        verification_method="in_person",
        accepted_on=date(2026, 11, 26),
        dev_mode=False,
    )


@pytest.fixture
def long_agreement(confirmed: RulingContent) -> RulingContent:
    clauses = [
        f"第{i}条　申请人张三同意于2027年{(i % 12) + 1}月{(i % 28) + 1}日前向重庆秀山某某商贸有限公司交付第{i}批货物，"
        f"货物数量、规格以双方于2026年11月20日签订的《供货清单》（编号XS-2026-{i:03d}）为准；"
        for i in range(1, 41)
    ]
    return dataclasses.replace(confirmed, agreement_text="\n".join(clauses))


def signature_png() -> bytes:
    """A handwritten-looking stroke on a transparent background, as the signing pad delivers it."""
    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    points = [(20 + i * 8, 60 + (25 if i % 4 < 2 else -25) * (1 - i / 50)) for i in range(40)]
    pen.line(points, fill=(10, 10, 60, 255), width=5, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def receipt() -> ReceiptContent:
    return ReceiptContent(
        court_name=COURT,
        case_number=CASE_NUMBER,
        document_name="民事裁定书",
        recipients=(
            ReceiptRecipient(
                name="张三",
                method="in_person",
                served_at=datetime(2026, 11, 28, 15, 5),
                place="重庆市秀山土家族苗族自治县人民法院诉讼服务中心",
                signature_png=signature_png(),
                receiver_name="李四",
                receiver_relation="受送达人的同住成年家属（配偶）",
            ),
            ReceiptRecipient(
                name="重庆秀山某某商贸有限公司",
                method="electronic",
                served_at=datetime(2026, 11, 28, 15, 20),
                place="当事人确认的电子送达地址",
                signature_png=None,
            ),
        ),
        served_by="钱七",
        organization=COURT,
        dev_mode=True,
        delivered_by="杨调解（秀山县中和派出所驻所调解室）",
        dispute_type="民间借贷纠纷",
        issued_by="杨调解",
        remarks=("李四出示了结婚证和户口簿。",),
    )


@pytest.fixture
def refused_receipt(receipt: ReceiptContent) -> ReceiptContent:
    """The receipt of a ruling served on one party in person and left at the other's residence (留置送达, CPL 89)."""
    left = ReceiptRecipient(
        name="王五",
        method="left_at_residence",
        served_at=datetime(2026, 11, 28, 16, 40),
        place="重庆市秀山土家族苗族自治县中和街道凤凰路8号王五住所",
        signature_png=None,
        refusal=ReceiptRefusal(
            circumstances="王五称不认可调解协议，拒绝接收裁定书并拒绝签名",
            witness_name="赵居委",
            witness_unit="中和街道凤凰社区居民委员会",
            photo_sha256="3f" * 32,
        ),
    )
    return dataclasses.replace(receipt, recipients=(receipt.recipients[0], left), remarks=())


@pytest.fixture
def texts_copy(tmp_path: Path) -> Callable[[], Path]:
    """Copy the shipped texts directory somewhere editable."""

    def copy() -> Path:
        from templates.texts import DEFAULT_DIRECTORY

        target = tmp_path / "texts"
        shutil.copytree(DEFAULT_DIRECTORY, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        return target

    return copy


DOCUMENT_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def voucher() -> VoucherContent:
    return VoucherContent(
        court_name=COURT,
        case_number=CASE_NUMBER,
        document_name="民事裁定书",
        recipient="重庆秀山某某商贸有限公司",
        channel="手机短信（人民法院在线服务平台）",
        electronic_address="13800138000",
        sent_at=datetime(2026, 11, 28, 15, 20, 4),
        arrived_at=datetime(2026, 11, 28, 15, 20, 9),
        read_at=datetime(2026, 11, 28, 16, 2, 37),
        document_sha256=DOCUMENT_SHA256,
        served_by="钱七",
        dev_mode=True,
        consent_basis="address_in_application",
    )


@pytest.fixture
def address_confirmation() -> AddressConfirmationContent:
    """A person who accepts electronic service by text message and e-mail, confirmed on her phone."""
    return AddressConfirmationContent(
        court_name=COURT,
        case_number=CASE_NUMBER,
        application_ref="3f9a12c7",
        dispute_type="买卖合同纠纷",
        party_name="张三",
        party_kind="person",
        address="重庆市秀山土家族苗族自治县中和街道渝秀大道88号",
        phone="13800138000",
        email="zhangsan@example.cn",
        electronic_service=True,
        electronic_channels=("sms", "email"),
        confirmed_at=datetime(2026, 11, 30, 15, 20, 7, tzinfo=ZoneInfo("Asia/Shanghai")),
        confirmed_via="138****8000",
        dev_mode=True,
    )


@pytest.fixture
def objection_ruling() -> ObjectionRulingContent:
    """A ruling on an interested person's objection (民特监) to the confirmation of CASE_NUMBER."""
    return ObjectionRulingContent(
        court_name=COURT, case_number="（2026）渝0241民特监3号", outcome="revoked", objector_kind="interested_person",
        objector=PartyInfo(kind="person", name="王五", sex="男", birth_date=date(1970, 3, 8), ethnicity="土家族",
                           address="重庆市秀山土家族苗族自治县中和街道渝秀大道88号"),
        applicants=("张晓红", "重庆秀山某某商贸有限公司"), original_case_number=CASE_NUMBER,
        original_decided_on=date(2026, 11, 28), original_outcome="确认调解协议有效", filed_on=date(2026, 12, 3),
        request="请求撤销原裁定。调解协议第二条约定以位于中和街道的房屋抵偿货款，该房屋为异议人所有",
        reasoning="申请人以调解协议处分案外人王五所有的房屋，损害他人合法权益，原裁定应予撤销",
        change_text="", judge_name="赵六", clerk_name="钱七", decided_on=date(2026, 12, 10),
        verify_url="https://verify.jiudi.example.cn/v/Ab3xK9vL2mN8pR4tW6yB1cD5fG7hJ0kQ", check_code="9R2T-W4YB",
        dev_mode=True)


@pytest.fixture
def execution_application() -> ExecutionApplicationContent:
    """The company's application against 张三: a money instalment not paid, one partly paid (how much is not
    recorded), and an act."""
    return ExecutionApplicationContent(
        court_name="重庆市秀山土家族苗族自治县人民法院", case_number="（2026）渝0241民特123号",
        decided_on=date(2026, 11, 27), served_on=date(2026, 11, 28), dispute_type="买卖合同纠纷",
        concluded_on=date(2026, 11, 20), organization="秀山县中和街道人民调解委员会",
        applicant=_company(), respondents=(dataclasses.replace(_person(), agent=None),),
        items=(ExecutionItemText(kind="money", obligor="张三", description="货款", amount="7000.00",
                                 remaining="7000.00", due_on=date(2026, 12, 31), state="not_performed"),
               ExecutionItemText(kind="money", obligor="张三", description="货款", amount="5000.00", remaining=None,
                                 due_on=date(2027, 1, 31), state="partly_performed"),
               ExecutionItemText(kind="act", obligor="张三", description="返还样品一批", amount=None, remaining=None,
                                 due_on=None, state="not_performed")),
        total="7000.00", total_complete=False, apply_by=date(2028, 12, 31), prepared_on=date(2027, 2, 3))


@pytest.fixture
def performance_certificate() -> PerformanceCertificateContent:
    """A 自动履行证明书 of CASE_NUMBER: two instalments confirmed by the obligee, an act witnessed by the mediator."""
    from templates.model import PerformedObligation

    return PerformanceCertificateContent(
        court_name=COURT, case_number=CASE_NUMBER, parties=("张晓红", "重庆秀山某某商贸有限公司"),
        ruling_decided_on=date(2026, 11, 28),
        obligations=(
            PerformedObligation(obligor="重庆秀山某某商贸有限公司", obligee="张晓红", what="支付货款人民币7000.00元",
                                performed_on=date(2026, 12, 30), confirmed_by="权利人张晓红确认"),
            PerformedObligation(obligor="重庆秀山某某商贸有限公司", obligee="张晓红", what="支付货款人民币5000.00元",
                                performed_on=date(2027, 1, 30), confirmed_by="调解员杨调解见证，附履行凭证"),
            PerformedObligation(obligor="张晓红", obligee="重庆秀山某某商贸有限公司", what="返还样品一批",
                                performed_on=date(2027, 1, 31), confirmed_by="权利人重庆秀山某某商贸有限公司确认"),
        ),
        decided_on=date(2027, 1, 31),
        verify_url="https://verify.jiudi.example.cn/v/Ab3xK9vL2mN8pR4tW6yB1cD5fG7hJ0kQ", check_code="9R2T-W4YB",
        dev_mode=True)
