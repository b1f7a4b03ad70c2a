"""A court's name as its documents print it: a basic, intermediate or high court's name begins with the province,
autonomous region or municipality (基层人民法院应当冠以省、自治区、直辖市的名称; 法院诉讼文书规范 二(一); legal-review
§1), and it must match the name on the court's seal. Pure rules, no I/O."""

from __future__ import annotations

# the 31 provincial-level divisions of the mainland, as a court's name begins with them
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省",
    "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)
# courts whose names carry no province: the Supreme People's Court, and the specialised courts named after a city
# (上海海事法院, 北京知识产权法院, 新疆生产建设兵团…) begin with the short name
_SHORT = tuple(p.removesuffix("市").removesuffix("省").removesuffix("自治区").removesuffix("壮族").removesuffix(
    "回族").removesuffix("维吾尔") for p in PROVINCES)


def court_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be printed as a court's name on its documents, in Chinese; None when it can."""
    name = name.strip()
    if not name.endswith("法院"):
        return "法院名称应以“法院”结尾，例如 重庆市秀山土家族苗族自治县人民法院"
    if name == "最高人民法院" or name.startswith(PROVINCES):
        return None
    if name.startswith(_SHORT) and not name.endswith("人民法院"):
        return None  # a specialised court: 上海海事法院, 北京知识产权法院
    return ("法院名称应冠以省、自治区、直辖市的名称，与院印一致，例如 重庆市秀山土家族苗族自治县人民法院"
            "（《法院诉讼文书规范》）")
