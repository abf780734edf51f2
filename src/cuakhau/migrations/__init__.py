"""Alembic migrations, shipped inside the package so an installed cuakhau can
upgrade its own database (``cuakhau db upgrade``)."""
