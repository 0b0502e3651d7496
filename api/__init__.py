"""leancore's FastAPI layer: HTTP routes and pydantic types over the standard-library core.

``create_app(settings=None, database=None) -> FastAPI`` builds the app without touching settings, the database or
randomness; ``configure_app(app, *, settings, database)`` installs them later (the Workers entry does).
"""

from api.app import configure_app, create_app

__all__ = ["configure_app", "create_app"]
