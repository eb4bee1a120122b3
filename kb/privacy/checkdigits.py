"""Check digits of the numbers the law defines: 個人番号 and 法人番号."""
from __future__ import annotations


def is_valid_my_number(digits: str) -> bool:
    """The official check-digit rule for 12-digit individual numbers (個人番号)."""
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return False
    body = [int(d) for d in reversed(digits[:11])]  # P1 is the digit just left of the check
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(body, 1))
    remainder = total % 11
    return int(digits[11]) == (0 if remainder <= 1 else 11 - remainder)


def is_valid_corporate_number(digits: str) -> bool:
    """Check digit of 13-digit corporate numbers (法人番号): the first digit."""
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    body = [int(d) for d in reversed(digits[1:])]
    total = sum(p * (1 if n % 2 else 2) for n, p in enumerate(body, 1))
    return int(digits[0]) == 9 - total % 9
