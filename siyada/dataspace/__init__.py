"""The secure R&D data space: administrations share data sets with researchers of any tenant, under law
09-08, without a record leaving the platform: the researchers' code goes to the data, only checked
aggregates come back.

The catalogue and the safe data (`reader`, `classify`, `pseudonyms`, `card`, `datasets`, `catalog`), safe
projects and people (`projects`, `grants`, `ledger`), the public `register`; the engine (`sql`,
`structured`, `sandbox`, `checks`, `suppression`, `differencing`, `dp`, `engine`) and test data (`census`).
Every step is appended to the hash-chained audit log.
"""
