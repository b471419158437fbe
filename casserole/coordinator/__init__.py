"""The coordinator's console: vetting, waiting list, matching runs, monitor, figures, map."""
