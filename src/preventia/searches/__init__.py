"""Analysts' saved searches: named article filters, private to their owner."""
