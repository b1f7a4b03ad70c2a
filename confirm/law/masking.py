"""How names appear on public pages: the courts' publication convention (domain.md §8)."""

from __future__ import annotations

from collections.abc import Sequence

# 复姓 kept whole when masking (张三 → 张某某, 欧阳明 → 欧阳某某)
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 百里 "
    "呼延 澹台 公冶 太史 申屠 钟离 闻人 万俟 拓跋 濮阳 淳于 单于 赫连 第五 东郭 左丘 梁丘 司空 谷梁 亓官 "
    "宰父 羊舌 微生 公羊 东门 仲孙 叔孙 乐正 巫马 公西 漆雕 壤驷 颛孙 段干 百里 呼延".split()
)


def surname(name: str) -> str:
    """The surname of a Chinese personal name; a known compound surname is kept whole."""
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_person_name(name: str) -> str:
    """张三 → 张某某: surname kept, given name replaced."""
    return f"{surname(name)}某某"


def mask_party(kind: str, name: str) -> str:
    """Natural persons are masked; organisations' names are public."""
    return mask_person_name(name) if kind == "person" else name


# 天干: the order courts use to tell apart two parties whose masked names would be the same (张某甲, 张某乙)
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def mask_parties(parties: Sequence[tuple[str, str]]) -> list[str]:
    """The names of one case's parties ((kind, name), in the application's order) as a public page shows them:
    persons masked, and where two or more persons would be masked alike they are told apart in order, as courts
    publish them — 张三、张四 → 张某甲、张某乙 (公布规定 arts. 8–9). Organisations are shown as they are."""
    masked = [mask_party(kind, name) for kind, name in parties]
    persons = [m for (kind, _), m in zip(parties, masked, strict=True) if kind == "person"]
    shared = {m for m in persons if persons.count(m) > 1}
    seen: dict[str, int] = {}
    result = []
    for (kind, _), m in zip(parties, masked, strict=True):
        if kind == "person" and m in shared:
            n = seen.get(m, 0)
            seen[m] = n + 1
            stem = _STEMS[n] if n < len(_STEMS) else str(n + 1)
            m = m[:-1] + stem  # 张某某 → 张某甲
        result.append(m)
    return result
