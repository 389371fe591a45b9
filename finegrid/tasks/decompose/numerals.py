"""Chinese numerals as a report numbers its parts (一 … 九十九) and as it counts (三所, 两个)."""

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_NUMERAL = "[一二两三四五六七八九十]"


def chinese_to_int(word: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十五 → 35; None for anything else."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return DIGITS.get(word) if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    tens_value = DIGITS.get(tens, None) if tens else 1
    ones_value = DIGITS.get(ones, None) if ones else 0
    if tens_value is None or ones_value is None:
        return None
    return tens_value * 10 + ones_value


def int_to_chinese(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (for numbering; 1–99)."""
    names = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if not tens:
        return names[ones]
    return (names[tens] if tens > 1 else "") + "十" + (names[ones] if ones else "")
