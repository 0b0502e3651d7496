"""leancore's FastAPI layer: HTTP routes and pydantic types over the standard-library core."""
