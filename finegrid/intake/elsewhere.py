"""Does a text name a place in another district? "北京市朝阳区三里屯" resolves to nothing in the
gazetteer, and without this check it became a case with no area: the city's 12345 platform sent it
to the wrong district, and the district sends it back (退单) rather than keep it.

Only administrative names with their suffix count (a province, a municipality, a city with its
district or county), so a word such as 小区 or 市民 is never taken for a place. The district's
own province comes from the first two digits of its GB/T 2260 code."""

import re

# GB/T 2260 province-level codes: the first two digits of every area code.
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾", "81": "香港", "82": "澳门",
}
MUNICIPALITIES = {"北京", "天津", "上海", "重庆"}
PROVINCE = re.compile("(" + "|".join(sorted(PROVINCES.values(), key=len, reverse=True)) + ")(?:省|市|自治区|特别行政区)")
# 南京市鼓楼区, 扬州市邗江区: a city named with one of its districts or counties.
CITY_DISTRICT = re.compile(r"([\u4e00-\u9fff]{2,4}?)市([\u4e00-\u9fff]{1,3}?[区县])")
# 超市, 菜市, 城市 … are no cities, and 小区, 社区, 园区 … no districts.
NOT_CITY = frozenset("超菜夜城门股上开集都早花鱼楼黑")
NOT_DISTRICT = frozenset("小社园城景校街片辖郊营厂矿住宅商工学库")


def foreign_place(text: str, district_code: str, district_name: str) -> str:
    """The first place named in `text` that lies outside the district, or ""."""
    home = PROVINCES.get(district_code[:2], "")
    for match in PROVINCE.finditer(text or ""):
        if match[1] != home:
            return match[0]
    for match in CITY_DISTRICT.finditer(text or ""):
        city, district = match[1], match[2]
        if city[-1] in NOT_CITY or district[-2] in NOT_DISTRICT:
            continue
        if district != district_name:
            return match[0]
    return ""
