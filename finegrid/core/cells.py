"""A text cell a spreadsheet will not run: one starting like a formula (= + - @, or a tab or carriage
return some spreadsheets skip before reading one) gets a leading apostrophe (CSV injection, OWASP).
Every CSV and XLSX finegrid writes passes its text through here; numbers stay numbers."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
