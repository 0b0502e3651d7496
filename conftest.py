"""Shared test configuration for tests/, compat_tests/ and bench/: hypothesis profiles.

``ci`` (selected when CI=true) runs more examples and no deadline (shared 2-core machines stall at random);
``dev`` keeps the local loop fast. Tests that need a minimum number of examples set it themselves.
"""

from __future__ import annotations

import os

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # bench/ runs without hypothesis
    settings = None

if settings is not None:
    settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", max_examples=100, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))
