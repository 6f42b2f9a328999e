"""The secure R&D data space: researchers' code goes to the data, only checked aggregates come back."""
