"""The language switch: one form on every page, remembered per person or in a cookie."""
