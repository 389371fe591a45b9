"""Masking of personal data for people who do not need to see it (手机号/身份证号 脱敏)."""


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 138****5678 (a masked one stays)."""
    if "*" in (phone or ""):
        return phone
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str) -> str:
    """Keep the first 6 (region) and the last 4 characters of an ID card number."""
    value = (id_number or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
