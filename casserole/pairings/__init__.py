"""Pairings from proposal to their end: acceptance, meal shares, feedback, pauses."""
