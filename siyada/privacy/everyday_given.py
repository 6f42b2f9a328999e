"""Everyday given names the earlier rounds' lists lacked (round 12, from wild17's and wild18's misses read
by category): today's common Moroccan given names and their usual Latin spellings, Amazigh names as
Tifinagh texts write them (read into Tifinagh by the features), and a few foreign given names of residents
and visitors. General knowledge, not the sets' names; everyday words are left out ("sabah", morning;
"malak", "what's wrong with you"; "إحسان", charity; "صابر", patient)."""

from __future__ import annotations

from siyada.privacy.gazetteer import words

EVERYDAY_GIVEN_LATIN = words(
    """khouloud kholoud kholod rita wijdane wijdan ihssane ihsane ihssan rbia rbi3a rabi3a soukayna
    ghizlan nissrine yosra layla dunia reem lamiaa ouidad hanan mona thouria nourhane ziyad malik
    ilyan outhmane ashraf nouh othman houssine zouheir munir mohssine imade adel
    ussan oussan tinirri tiniri hassou hessou hsou koceila kusayla
    aatika atika 3atika salmouch ihsan"""
)
EVERYDAY_GIVEN_ARABIC = words("""ثرية خلود ريتا وجدان نوح حسو عسو لينة""")
EVERYDAY_FOREIGN_GIVEN = words("""pedro nico jonathan ricardo jean thomas zak""")
