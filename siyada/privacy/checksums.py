"""Checksum validators: ISO 7064 MOD-97-10 (IBAN), Moroccan RIB key, Luhn."""

from __future__ import annotations


def digits_only(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def iban_valid(value: str) -> bool:
    """ISO 7064 MOD-97-10: move the 4 first chars to the end, letters -> 10..35, then mod 97 == 1."""
    compact = "".join(value.split()).upper()
    if len(compact) < 5 or not compact[:2].isalpha() or not compact[2:].isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def rib_key(bank_city_account: str) -> int:
    """Moroccan RIB key: 97 - ((bank . city . account . 100) mod 97) over the 22 leading digits."""
    return 97 - (int(bank_city_account) * 100) % 97


def rib_valid(value: str) -> bool:
    digits = digits_only(value)
    if len(digits) != 24:
        return False
    return rib_key(digits[:22]) == int(digits[22:])


def luhn_valid(value: str) -> bool:
    digits = digits_only(value)
    if not digits:
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mod97_zero(value: str) -> bool:
    digits = digits_only(value)
    return bool(digits) and int(digits) % 97 == 0
