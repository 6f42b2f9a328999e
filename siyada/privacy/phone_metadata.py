"""phonenumbers' metadata read and compiled once, when the recognisers load, not in a prompt's time.

phonenumbers reads a country's metadata and compiles its number patterns the first time it meets one of
that country's numbers: a first foreign number from Spain cost its document ~1.5 ms more than the next
one. The countries most numbers in Moroccan texts come from (Morocco, the countries of the diaspora and
the neighbours; "+1" reads the metadata of every NANP country) are read at import, ~30 ms once; others
still load on first use. The compiled patterns are kept by phonenumbers' own cache
(``enable_pattern_cache``): its keys are the metadata's pattern strings, never a text's, so it is
bounded by the library's metadata (a few thousand patterns) whatever the input.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

WARM_REGIONS = (
    "MA", "FR", "ES", "IT", "BE", "NL", "DE", "GB", "CH", "SE", "US", "CA", "DZ", "TN", "SA", "AE", "QA",
)  # fmt: skip


def warm(regions: tuple[str, ...] = WARM_REGIONS) -> None:
    """Parse and check one mobile and one landline example of each region, as the recognisers read a
    number: international ("+34 …"), and national with Morocco as the default country."""
    phonenumbers.enable_pattern_cache()
    for region in regions:
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for form, default in ((PhoneNumberFormat.E164, None), (PhoneNumberFormat.NATIONAL, "MA")):
                try:
                    number = phonenumbers.parse(phonenumbers.format_number(example, form), default)
                except phonenumbers.NumberParseException:
                    continue
                phonenumbers.is_valid_number(number)
                phonenumbers.is_possible_number(number)
