"""Use-cases shared by views and commands; services own db.session.commit()."""
