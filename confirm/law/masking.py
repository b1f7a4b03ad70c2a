"""How names appear on public pages: the courts' publication convention (domain.md §8)."""

from __future__ import annotations

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
