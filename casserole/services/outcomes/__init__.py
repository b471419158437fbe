"""Published outcomes: the public figures, open data, quarterly report and the API's tokens.

Every figure and row here goes through `casserole.services.disclosure` (one rule).
"""
