"""Setting up a scheme: areas, coordinators and accounts (admins only)."""
