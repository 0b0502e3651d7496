"""Differential tests of core against the reference libraries, and ``python -m compat_tests``: the same checks
run over a team's own tokens and stored hashes (docs/migration.md, "Check your own data")."""
