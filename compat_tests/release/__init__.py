"""The migration contract on older releases of each reference library (tox -e compat-jose33, compat-pyjwt28, ...)."""
