"""GB/T 30428.1-style codes of the grid hierarchy.

A community code is the 12-digit statistical division code: 6 digits of 区划 (district),
3 of street/town and 3 of community/village. A unit grid (单元网格) adds a 3-digit sequence
(15 digits) and a micro-grid (微网格) another 3 digits (18 digits)."""

import re

DISTRICT_LEN, STREET_LEN, COMMUNITY_LEN, GRID_LEN, MICROGRID_LEN = 6, 9, 12, 15, 18
_DIGITS = re.compile(r"^\d+$")


def check_code(code: str, length: int, parent_code: str | None = None) -> str | None:
    """Return why `code` is not a valid code of `length` digits under `parent_code`, or None."""
    if not isinstance(code, str) or not _DIGITS.match(code):
        return f"code {code!r} must be digits only"
    if len(code) != length:
        return f"code {code} must have {length} digits, not {len(code)}"
    if parent_code is not None and not code.startswith(parent_code):
        return f"code {code} does not start with its parent's code {parent_code}"
    if code[len(parent_code or "") :].strip("0") == "":
        return f"code {code} has an all-zero sequence"
    return None


def parent_code(code: str) -> str:
    """The code of the level above: 18 → 15 → 12 → 9 → 6 digits."""
    return code[:-3]
