"""The coordinator's console services: one module per concern (scope, waiting, proposals, ...)."""
