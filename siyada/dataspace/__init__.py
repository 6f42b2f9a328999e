"""The secure R&D data space: administrations share data sets with researchers of any tenant, under law
09-08, without a record leaving the platform.

This half holds the catalogue and the safe data (`reader`, `classify`, `pseudonyms`, `card`, `datasets`,
`catalog`), safe projects and people (`projects`, `grants`, `ledger`) and the public `register`; every
step is appended to the hash-chained audit log. Queries, output checks and the airlock come on top.
"""
