"""Sign-up for cooks, diners and carers, and the district waiting list."""
