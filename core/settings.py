"""leancore's settings: one frozen object read from environment variables, validated once, at load.

Interface (stable; the api and the Workers entry build on it)::

    Settings.from_env(environ: Mapping[str, str] | None = None) -> Settings   # None means os.environ
    SettingsError(LeancoreError, ValueError)   # code "settings_invalid"; .problems lists every problem found
    password_problem(password: str) -> str | None   # the api's password rule (8-1024 characters)

``environ`` is any mapping of str to str: ``os.environ``, a dict in tests, or a Workers ``env`` adapted to a
mapping. Variables (all optional in development):

=========================== ====================== =====================================================
variable                    field                  default / rule
=========================== ====================== =====================================================
``ENVIRONMENT``             ``environment``        ``development`` | ``production``
``DATABASE_URL``            ``database_url``       ``sqlite:///leancore.sqlite3`` (file in the working dir)
``SECRET_KEY``              ``secret_key``         production: required, at least 32 bytes (RFC 7518 §3.2)
``ADMIN_EMAIL``             ``admin_email``        validated and normalised by ``core.emails``
``SUPER_ADMIN_PASSWORD``    ``super_admin_password`` required when ``ADMIN_EMAIL`` is set (and vice versa); the
                                                   api's password rule (``password_problem``): at most 1024
                                                   characters, and in production at least 8
``INIT_SECRET``             ``init_secret``        production: at least 32 bytes when set
``INIT_ON_STARTUP``         ``init_on_startup``    ``false``; true/false, 1/0, yes/no, on/off
``ACCESS_TOKEN_EXPIRE_MINUTES`` ``access_token_minutes`` ``30``; a positive integer
``TOKEN_ISSUER``            ``token_issuer``       none (``iss`` not set or checked)
``TOKEN_AUDIENCE``          ``token_audience``     none (``aud`` not set or checked)
``PASSWORD_ROUNDS``         ``password_rounds``    ``600000`` (OWASP 2023 for PBKDF2-HMAC-SHA256); >= 1
=========================== ====================== =====================================================

Empty values count as unset. Secrets are kept out of ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from core.db import UnsupportedDatabaseError, detect_database_type
from core.emails import EmailNotValidError, validate_email
from core.errors import LeancoreError

Environment = Literal["development", "production"]
T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite:///leancore.sqlite3"
# RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.
MIN_SECRET_BYTES = 32
# OWASP Password Storage Cheat Sheet (2023): PBKDF2-HMAC-SHA256 with at least 600,000 iterations.
DEFAULT_PASSWORD_ROUNDS = 600_000
DEFAULT_ACCESS_TOKEN_MINUTES = 30
# The api's rule for every password it accepts (api/schemas.py ``Password``), applied to SUPER_ADMIN_PASSWORD and
# python -m api create-admin too, so that no way in admits a weaker one.
PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_CHARS = 1024
# Every variable from_env reads (the table above): what a Workers env adapter exposes (core/workers_env.py).
VARIABLES = (
    "ENVIRONMENT", "DATABASE_URL", "SECRET_KEY", "ADMIN_EMAIL", "SUPER_ADMIN_PASSWORD", "INIT_SECRET",
    "INIT_ON_STARTUP", "ACCESS_TOKEN_EXPIRE_MINUTES", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "PASSWORD_ROUNDS",
)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(LeancoreError, ValueError):
    """One or more variables are invalid; the message lists each as ``NAME: what is wrong``."""

    code = "settings_invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid settings: " + "; ".join(problems))


# A dataclass (dataclasses.replace, fields() and FrozenInstanceError keep working), but __init__, __repr__, __eq__ and
# __hash__ are written out below: @dataclass compiles generated source for each method it adds when the class is
# created, and generating only the two frozen-guard methods halves that (measured ~1.3 -> ~0.5 ms on CPython, a
# few ms inside Pyodide: workers.import_core budget). The methods are what frozen=True, eq=True generated.
@dataclass(frozen=True, init=False, repr=False, eq=False)
class Settings:
    """Validated settings (build with :meth:`from_env`; the constructor itself does not validate)."""

    environment: Environment = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = field(default=None, repr=False)
    admin_email: str | None = None
    super_admin_password: str | None = field(default=None, repr=False)
    init_secret: str | None = field(default=None, repr=False)
    init_on_startup: bool = False
    access_token_minutes: int = DEFAULT_ACCESS_TOKEN_MINUTES
    token_issuer: str | None = None
    token_audience: str | None = None
    password_rounds: int = DEFAULT_PASSWORD_ROUNDS

    def __init__(  # one parameter per field, in field order, as the generated __init__ had
        self,
        environment: Environment = "development",
        database_url: str = DEFAULT_DATABASE_URL,
        secret_key: str | None = None,
        admin_email: str | None = None,
        super_admin_password: str | None = None,
        init_secret: str | None = None,
        init_on_startup: bool = False,
        access_token_minutes: int = DEFAULT_ACCESS_TOKEN_MINUTES,
        token_issuer: str | None = None,
        token_audience: str | None = None,
        password_rounds: int = DEFAULT_PASSWORD_ROUNDS,
    ) -> None:
        setter = object.__setattr__  # frozen: the guard __setattr__ refuses every assignment
        setter(self, "environment", environment)
        setter(self, "database_url", database_url)
        setter(self, "secret_key", secret_key)
        setter(self, "admin_email", admin_email)
        setter(self, "super_admin_password", super_admin_password)
        setter(self, "init_secret", init_secret)
        setter(self, "init_on_startup", init_on_startup)
        setter(self, "access_token_minutes", access_token_minutes)
        setter(self, "token_issuer", token_issuer)
        setter(self, "token_audience", token_audience)
        setter(self, "password_rounds", password_rounds)

    def _values(self) -> tuple[object, ...]:
        return (self.environment, self.database_url, self.secret_key, self.admin_email, self.super_admin_password,
                self.init_secret, self.init_on_startup, self.access_token_minutes, self.token_issuer,
                self.token_audience, self.password_rounds)

    def __repr__(self) -> str:
        # Secrets (secret_key, super_admin_password, init_secret) are left out, as field(repr=False) did.
        return (f"{type(self).__qualname__}(environment={self.environment!r}, database_url={self.database_url!r}, "
                f"admin_email={self.admin_email!r}, init_on_startup={self.init_on_startup!r}, "
                f"access_token_minutes={self.access_token_minutes!r}, token_issuer={self.token_issuer!r}, "
                f"token_audience={self.token_audience!r}, password_rounds={self.password_rounds!r})")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every variable; raise one :class:`SettingsError` listing all problems."""
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def get(name: str) -> str | None:
            value: object = env.get(name)  # a Workers env may hold non-str values despite the type
            if value is None:
                return None
            if not isinstance(value, str):
                problems.append(f"{name}: must be a string, got {type(value).__name__}")
                return None
            return value.strip() or None

        def parse(name: str, convert: Callable[[str], T], default: T) -> T:
            raw = get(name)
            if raw is None:
                return default
            try:
                return convert(raw)
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
                return default

        environment: Environment = parse("ENVIRONMENT", _environment, "development")
        production = environment == "production"
        database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
        try:
            detect_database_type(database_url)
        except UnsupportedDatabaseError as exc:
            problems.append(f"DATABASE_URL: {exc}")

        secret_key = get("SECRET_KEY")
        if production and secret_key is None:
            problems.append("SECRET_KEY: required in production")
        elif production and secret_key is not None and len(secret_key.encode()) < MIN_SECRET_BYTES:
            problems.append(f"SECRET_KEY: must be at least {MIN_SECRET_BYTES} bytes in production (RFC 7518 §3.2)")

        admin_email = parse("ADMIN_EMAIL", _email, None)
        super_admin_password = get("SUPER_ADMIN_PASSWORD")
        if get("ADMIN_EMAIL") is not None and super_admin_password is None:
            problems.append("SUPER_ADMIN_PASSWORD: required when ADMIN_EMAIL is set")
        if super_admin_password is not None and get("ADMIN_EMAIL") is None:
            problems.append("ADMIN_EMAIL: required when SUPER_ADMIN_PASSWORD is set")
        weak = None if super_admin_password is None else password_problem(super_admin_password)
        # Too long is refused everywhere (the api could never log it in); too short only in production, where
        # development's throwaway passwords must not reach.
        if weak is not None and (production or len(super_admin_password or "") > PASSWORD_MAX_CHARS):
            problems.append(f"SUPER_ADMIN_PASSWORD: {weak} (the api's password rule)")

        init_secret = get("INIT_SECRET")
        if production and init_secret is not None and len(init_secret.encode()) < MIN_SECRET_BYTES:
            problems.append(f"INIT_SECRET: must be at least {MIN_SECRET_BYTES} bytes in production")

        settings = cls(
            environment=environment,
            database_url=database_url,
            secret_key=secret_key,
            admin_email=admin_email,
            super_admin_password=super_admin_password,
            init_secret=init_secret,
            init_on_startup=parse("INIT_ON_STARTUP", _boolean, False),
            access_token_minutes=parse("ACCESS_TOKEN_EXPIRE_MINUTES", _positive_int, DEFAULT_ACCESS_TOKEN_MINUTES),
            token_issuer=get("TOKEN_ISSUER"),
            token_audience=get("TOKEN_AUDIENCE"),
            password_rounds=parse("PASSWORD_ROUNDS", _positive_int, DEFAULT_PASSWORD_ROUNDS),
        )
        if problems:
            raise SettingsError(problems)
        return settings


def password_problem(password: str) -> str | None:
    """What makes ``password`` unacceptable under the api's rule (``must be ...``), or None when it is acceptable."""
    if len(password) < PASSWORD_MIN_CHARS:
        return f"must be at least {PASSWORD_MIN_CHARS} characters"
    if len(password) > PASSWORD_MAX_CHARS:
        return f"must be at most {PASSWORD_MAX_CHARS} characters"
    return None


def _environment(raw: str) -> Environment:
    value = raw.lower()
    if value == "development":
        return "development"
    if value == "production":
        return "production"
    raise ValueError(f"must be 'development' or 'production', got {raw!r}")


def _boolean(raw: str) -> bool:
    value = raw.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"must be true/false (or 1/0, yes/no, on/off), got {raw!r}")


def _positive_int(raw: str) -> int:
    # ASCII digits only (int() would also take "1_000" and other scripts' digits); nine digits is plenty.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or int(raw) < 1:
        raise ValueError(f"must be a positive integer below 10**9, got {raw!r}")
    return int(raw)


def _email(raw: str) -> str:
    try:
        return validate_email(raw).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address ({exc})") from None
