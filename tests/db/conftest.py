"""PostgreSQL fixtures (``pg_database_url``, ``pg_url``) live in the repository's root conftest.py, shared with
tests/api."""
