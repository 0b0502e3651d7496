"""leancore's standard-library auth core.

Import the submodules you need (``core.jwt``, ``core.passwords``, ...); this package module stays empty of
imports so that ``import core.jwt`` pays only for the JWT code (Workers startup CPU is the budget).
"""

__version__ = "0.1.0"
