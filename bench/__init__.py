"""Benchmarks and budgets: every performance claim leancore makes is measured here, side by side with the
library it replaces, in the same process run."""
