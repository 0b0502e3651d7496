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
``FORWARDED_ALLOW_IPS``     ``forwarded_allow_ips`` none (trust no proxy); comma-separated IP addresses
                                                   and CIDR networks, or ``*``: the peers whose
                                                   ``X-Forwarded-For`` / ``X-Forwarded-Proto`` count
``HASH_QUEUE_SECONDS``      ``hash_queue_seconds`` ``10``; password hashes may queue for at most this
                                                   much estimated work, then 503 (0 to 3600)
``DATABASE_TIMEOUT``        ``database_timeout``   ``5`` seconds a PostgreSQL call may take, waits included
``DATABASE_STATEMENT_TIMEOUT`` ``database_statement_timeout`` ``3`` seconds one statement may run or wait
``DATABASE_POOL_SIZE``      ``database_pool_size`` ``5`` PostgreSQL connections per process; >= 1
``CORS_ORIGINS``            ``cors_origins``       none (no CORS headers); comma-separated origins
                                                   (``https://app.example.com``) browsers may call from
``PASSWORD_RESET_MINUTES``  ``password_reset_minutes`` ``30``; a reset link's lifetime
``PASSWORD_RESET_URL``      ``password_reset_url`` the page a reset link opens (``?token=...`` is appended);
                                                   default: ``/auth/password-reset/confirm`` on this api
``PASSWORD_RESET_WEBHOOK_URL`` ``password_reset_webhook_url`` none; where reset links are POSTed as JSON
                                                   ``{"email", "link", "expires_in"}``; production needs it
                                                   for ``POST /auth/password-reset``
=========================== ====================== =====================================================

Timeouts are positive numbers of seconds (``0.5`` allowed). ``DATABASE_STATEMENT_TIMEOUT`` is PostgreSQL's
``statement_timeout`` (the server cancels the statement) and SQLite's busy timeout and run-time bound;
``DATABASE_TIMEOUT`` is the client's bound on one PostgreSQL call (waiting for a pooled connection included),
which holds even when the server does not answer at all (SQLite's inline calls are bounded by the statement
timeout instead). Keep it above the statement timeout, so that a slow statement is cancelled by the server,
cleanly, before the client gives up on it. Empty values count as unset. Secrets are kept out of ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Literal, NamedTuple, TypeVar

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
# Sixteen simultaneous logins at 600,000 rounds take ~5 s on one hashing thread (0.29-0.38 s a hash, CPython 3.11,
# a loaded 2-core machine): a burst that size must still queue, a flood of hundreds must not.
DEFAULT_HASH_QUEUE_SECONDS = 10.0
MAX_HASH_QUEUE_SECONDS = 3600.0
# Auth queries are point lookups of well under a millisecond: seconds mean the database is in trouble, and a request
# should get its 503 while the client still waits. Three deadlock-detection rounds (1 s each, PostgreSQL's default
# deadlock_timeout) still fit in one call.
DEFAULT_DATABASE_TIMEOUT = 5.0
DEFAULT_DATABASE_STATEMENT_TIMEOUT = 3.0
DEFAULT_DATABASE_POOL_SIZE = 5
DEFAULT_PASSWORD_RESET_MINUTES = 30
MAX_TIMEOUT_SECONDS = 3600
# The api's rule for every password it accepts (api/schemas.py ``Password``), applied to SUPER_ADMIN_PASSWORD and
# python -m api create-admin too, so that no way in admits a weaker one.
PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_CHARS = 1024
# Every variable from_env reads (the table above): what a Workers env adapter exposes (core/workers_env.py).
VARIABLES = (
    "ENVIRONMENT", "DATABASE_URL", "SECRET_KEY", "ADMIN_EMAIL", "SUPER_ADMIN_PASSWORD", "INIT_SECRET",
    "INIT_ON_STARTUP", "ACCESS_TOKEN_EXPIRE_MINUTES", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "PASSWORD_ROUNDS",
    "FORWARDED_ALLOW_IPS", "HASH_QUEUE_SECONDS",
    "DATABASE_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT", "DATABASE_POOL_SIZE",
    "CORS_ORIGINS", "PASSWORD_RESET_MINUTES", "PASSWORD_RESET_URL", "PASSWORD_RESET_WEBHOOK_URL",
)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(LeancoreError, ValueError):
    """One or more variables are invalid; the message lists each as ``NAME: what is wrong``."""

    code = "settings_invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid settings: " + "; ".join(problems))


# A NamedTuple: one field list (name, type, default) gives the constructor, immutability, value equality and
# hashing, without importing dataclasses (which alone pulls in inspect: ~7 ms of CPython 3.11's `import core`).
_SECRETS = frozenset({"secret_key", "super_admin_password", "init_secret"})


class Settings(NamedTuple):
    """Validated settings (build with :meth:`from_env`; the constructor itself does not validate)."""

    environment: Environment = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    admin_email: str | None = None
    super_admin_password: str | None = None
    init_secret: str | None = None
    init_on_startup: bool = False
    access_token_minutes: int = DEFAULT_ACCESS_TOKEN_MINUTES
    token_issuer: str | None = None
    token_audience: str | None = None
    password_rounds: int = DEFAULT_PASSWORD_ROUNDS
    forwarded_allow_ips: tuple[str, ...] = ()
    hash_queue_seconds: float = DEFAULT_HASH_QUEUE_SECONDS
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT
    database_statement_timeout: float = DEFAULT_DATABASE_STATEMENT_TIMEOUT
    database_pool_size: int = DEFAULT_DATABASE_POOL_SIZE
    cors_origins: tuple[str, ...] = ()
    password_reset_minutes: int = DEFAULT_PASSWORD_RESET_MINUTES
    password_reset_url: str | None = None
    password_reset_webhook_url: str | None = None

    def __repr__(self) -> str:
        # Secrets stay out of logs and tracebacks.
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)
                          if name not in _SECRETS)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: object) -> Settings:
        """A copy with ``changes`` (field names), unvalidated like the constructor."""
        return self._replace(**changes)  # type: ignore[arg-type]

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
            forwarded_allow_ips=parse("FORWARDED_ALLOW_IPS", _trusted_proxies, ()),
            hash_queue_seconds=parse("HASH_QUEUE_SECONDS", _queue_seconds, DEFAULT_HASH_QUEUE_SECONDS),
            database_timeout=parse("DATABASE_TIMEOUT", _seconds, DEFAULT_DATABASE_TIMEOUT),
            database_statement_timeout=parse("DATABASE_STATEMENT_TIMEOUT", _seconds,
                                             DEFAULT_DATABASE_STATEMENT_TIMEOUT),
            database_pool_size=parse("DATABASE_POOL_SIZE", _positive_int, DEFAULT_DATABASE_POOL_SIZE),
            cors_origins=parse("CORS_ORIGINS", _origins, ()),
            password_reset_minutes=parse("PASSWORD_RESET_MINUTES", _positive_int, DEFAULT_PASSWORD_RESET_MINUTES),
            password_reset_url=parse("PASSWORD_RESET_URL", _web_url, None),
            password_reset_webhook_url=parse("PASSWORD_RESET_WEBHOOK_URL", _web_url, None),
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


def _seconds(raw: str) -> float:
    # Plain decimal notation only: float() would also take "nan", "inf", "1e3" and "_" separators.
    whole, dot, fraction = raw.partition(".")
    if not (raw.isascii() and whole.isdigit() and (fraction.isdigit() or not dot) and len(raw) <= 12):
        raise ValueError(f"must be a number of seconds such as 5 or 0.5, got {raw!r}")
    value = float(raw)
    if not 0 < value <= MAX_TIMEOUT_SECONDS:
        raise ValueError(f"must be above 0 and at most {MAX_TIMEOUT_SECONDS} seconds, got {raw!r}")
    return value


def _email(raw: str) -> str:
    try:
        return validate_email(raw).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address ({exc})") from None


def _comma_list(raw: str) -> list[str]:
    """The non-empty items of a comma-separated value, stripped."""
    return [item.strip() for item in raw.split(",") if item.strip()]


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    """``*`` alone, or IP addresses and CIDR networks (host bits zero), normalised; empty items are skipped."""
    items = _comma_list(raw)
    if items == ["*"]:
        return ("*",)
    # Imported here: ipaddress is ~80 kB of source, compiled at every Workers start if imported at module level.
    import ipaddress

    trusted = []
    for item in items:
        try:
            trusted.append(str(ipaddress.ip_network(item) if "/" in item else ipaddress.ip_address(item)))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (use '*' alone to trust every peer)") from None
    return tuple(trusted)


def _web_url(raw: str) -> str:
    """An absolute http(s) URL with a host, as given."""
    scheme, sep, rest = raw.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in raw):
        raise ValueError(f"must be an absolute http:// or https:// URL, got {raw!r}")
    return raw


def _origins(raw: str) -> tuple[str, ...]:
    """Comma-separated origins (``scheme://host[:port]``, no path), or ``*`` alone for any origin."""
    items = _comma_list(raw)
    if items == ["*"]:
        return ("*",)
    origins = []
    for item in items:
        url = _web_url(item)
        if url.partition("://")[2].strip("/").count("/") or url.count("?") or url.count("#"):
            raise ValueError(f"{item!r} is not an origin: scheme://host[:port], no path (or '*' alone)")
        origins.append(url.rstrip("/").lower())  # browsers send the Origin header in this form
    return tuple(origins)


def _queue_seconds(raw: str) -> float:
    # Plain decimals only ("nan", "inf" and "1e3" are not a number of seconds anyone means).
    whole, _, fraction = raw.partition(".")
    if not (raw.isascii() and whole.isdigit() and (fraction == "" or fraction.isdigit()) and len(raw) <= 12):
        raise ValueError(f"must be a number of seconds, got {raw!r}")
    value = float(raw)
    if value > MAX_HASH_QUEUE_SECONDS:
        raise ValueError(f"must be at most {MAX_HASH_QUEUE_SECONDS:g}, got {raw!r}")
    return value
