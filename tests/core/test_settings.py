"""core.settings: typed settings from environment variables, validated at load with every problem named."""

from __future__ import annotations

import pytest

from core.errors import LeancoreError
from core.settings import (
    DEFAULT_DATABASE_URL,
    DEFAULT_PASSWORD_ROUNDS,
    PASSWORD_MAX_CHARS,
    PASSWORD_MIN_CHARS,
    Settings,
    SettingsError,
    password_problem,
)

STRONG = "k" * 32


def test_defaults_describe_an_embedded_development_setup() -> None:
    """With no variables: development, an SQLite file in the working directory, 600k rounds, nothing secret."""
    settings = Settings.from_env({})
    assert settings.environment == "development"
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///leancore.sqlite3"
    assert settings.password_rounds == DEFAULT_PASSWORD_ROUNDS == 600_000
    assert settings.secret_key is None
    assert settings.admin_email is None
    assert settings.init_on_startup is False
    assert settings.access_token_minutes == 30
    assert (settings.token_issuer, settings.token_audience, settings.init_secret) == (None, None, None)
    assert settings.forwarded_allow_ips == ()  # no proxy is trusted unless named
    assert settings.hash_queue_seconds == 10.0


def test_every_variable_is_read_and_typed() -> None:
    """Each documented variable lands in its field with its type (bool, int, normalised email)."""
    settings = Settings.from_env({
        "ENVIRONMENT": "Production", "DATABASE_URL": "postgresql://u@h/db", "SECRET_KEY": STRONG,
        "ADMIN_EMAIL": "  Boss@Example.COM ", "SUPER_ADMIN_PASSWORD": "pw-of-8+", "INIT_SECRET": "i" * 40,
        "INIT_ON_STARTUP": "yes", "ACCESS_TOKEN_EXPIRE_MINUTES": "15", "TOKEN_ISSUER": "leancore",
        "TOKEN_AUDIENCE": "web", "PASSWORD_ROUNDS": "100000", "FORWARDED_ALLOW_IPS": "10.0.0.1",
        "HASH_QUEUE_SECONDS": "2.5",
    })
    assert settings == Settings(
        environment="production", database_url="postgresql://u@h/db", secret_key=STRONG,
        admin_email="Boss@example.com", super_admin_password="pw-of-8+", init_secret="i" * 40, init_on_startup=True,
        access_token_minutes=15, token_issuer="leancore", token_audience="web", password_rounds=100_000,
        forwarded_allow_ips=("10.0.0.1",), hash_queue_seconds=2.5,
    )
    assert settings.is_production


def test_settings_are_frozen() -> None:
    """A loaded Settings cannot be changed in place."""
    with pytest.raises(AttributeError):
        Settings.from_env({}).secret_key = "x"  # type: ignore[misc]


def test_secrets_stay_out_of_repr() -> None:
    """repr() (logs, tracebacks) never shows SECRET_KEY, SUPER_ADMIN_PASSWORD or INIT_SECRET."""
    settings = Settings.from_env({"SECRET_KEY": "s3cr3t-key", "ADMIN_EMAIL": "a@example.com",
                                  "SUPER_ADMIN_PASSWORD": "hunter2-pw", "INIT_SECRET": "init-s3cr3t"})
    text = repr(settings)
    assert "s3cr3t-key" not in text
    assert "hunter2-pw" not in text
    assert "init-s3cr3t" not in text
    assert "a@example.com" in text


@pytest.mark.parametrize(("secret", "problem"), [
    (None, "SECRET_KEY: required in production"),
    ("k" * 31, "SECRET_KEY: must be at least 32 bytes"),
    ("é" * 15, "SECRET_KEY: must be at least 32 bytes"),  # 30 bytes in UTF-8
])
def test_production_refuses_a_missing_or_short_secret_key(secret: str | None, problem: str) -> None:
    """Production mode refuses a SECRET_KEY that is missing or shorter than 32 bytes (RFC 7518 §3.2)."""
    env = {"ENVIRONMENT": "production"} | ({"SECRET_KEY": secret} if secret else {})
    with pytest.raises(SettingsError, match=problem):
        Settings.from_env(env)


def test_production_accepts_a_32_byte_secret_and_development_accepts_any() -> None:
    """Exactly 32 bytes passes in production; development takes a short key (or none)."""
    assert Settings.from_env({"ENVIRONMENT": "production", "SECRET_KEY": "é" * 16}).secret_key == "é" * 16
    assert Settings.from_env({"SECRET_KEY": "short"}).secret_key == "short"


def test_all_problems_are_reported_in_one_error() -> None:
    """Several bad variables give one SettingsError naming each variable and what is wrong."""
    with pytest.raises(SettingsError) as info:
        Settings.from_env({
            "ENVIRONMENT": "production", "DATABASE_URL": "mysql://x/y", "ADMIN_EMAIL": "not-an-email",
            "INIT_ON_STARTUP": "maybe", "ACCESS_TOKEN_EXPIRE_MINUTES": "0", "PASSWORD_ROUNDS": "1_000",
            "INIT_SECRET": "short",
        })
    names = [p.split(":")[0] for p in info.value.problems]
    assert names == ["DATABASE_URL", "SECRET_KEY", "ADMIN_EMAIL", "SUPER_ADMIN_PASSWORD", "INIT_SECRET",
                     "INIT_ON_STARTUP", "ACCESS_TOKEN_EXPIRE_MINUTES", "PASSWORD_ROUNDS"]
    assert all(problem in str(info.value) for problem in info.value.problems)
    assert "sqlite:///" in info.value.problems[0]  # the unsupported URL's message names the supported forms


def test_settings_error_belongs_to_the_error_tree() -> None:
    """SettingsError is a LeancoreError (code settings_invalid) and a ValueError."""
    error = SettingsError(["X: bad"])
    assert isinstance(error, LeancoreError)
    assert isinstance(error, ValueError)
    assert error.code == "settings_invalid"


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", True), ("TRUE", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("no", False),
    ("off", False),
])
def test_init_on_startup_understands_the_usual_spellings(raw: str, expected: bool) -> None:
    """INIT_ON_STARTUP takes true/false, 1/0, yes/no, on/off in any case."""
    assert Settings.from_env({"INIT_ON_STARTUP": raw}).init_on_startup is expected


@pytest.mark.parametrize("raw", ["-1", "0", "1.5", "abc", "١٢", "1_000", "1000000000"])
def test_integer_variables_take_positive_ascii_integers_only(raw: str) -> None:
    """PASSWORD_ROUNDS refuses zero, negatives, fractions, non-ASCII digits, underscores and absurd sizes."""
    with pytest.raises(SettingsError, match="PASSWORD_ROUNDS: must be a positive integer"):
        Settings.from_env({"PASSWORD_ROUNDS": raw})


def test_database_timeouts_and_pool_size_have_bounded_defaults_and_are_read() -> None:
    """Database calls are bounded by default (5 s a call, 3 s a statement, 5 connections); the variables set them."""
    defaults = Settings.from_env({})
    assert (defaults.database_timeout, defaults.database_statement_timeout, defaults.database_pool_size) == (
        5.0, 3.0, 5)
    settings = Settings.from_env({"DATABASE_TIMEOUT": "2", "DATABASE_STATEMENT_TIMEOUT": "0.75",
                                  "DATABASE_POOL_SIZE": "12"})
    assert (settings.database_timeout, settings.database_statement_timeout, settings.database_pool_size) == (
        2.0, 0.75, 12)


@pytest.mark.parametrize("raw", ["0", "0.0", "-1", "nan", "inf", "1e3", "1_0", "٢", ".5", "5.", "1.2.3", "3601"])
def test_timeouts_take_plain_positive_decimal_seconds_only(raw: str) -> None:
    """DATABASE_TIMEOUT refuses zero, negatives, nan/inf, exponents, underscores, non-ASCII digits, over an hour."""
    with pytest.raises(SettingsError, match="DATABASE_TIMEOUT: must be"):
        Settings.from_env({"DATABASE_TIMEOUT": raw})


def test_admin_email_and_password_come_together() -> None:
    """ADMIN_EMAIL without SUPER_ADMIN_PASSWORD (or the reverse) is refused, naming the missing one."""
    with pytest.raises(SettingsError, match="SUPER_ADMIN_PASSWORD: required when ADMIN_EMAIL is set"):
        Settings.from_env({"ADMIN_EMAIL": "a@example.com"})
    with pytest.raises(SettingsError, match="ADMIN_EMAIL: required when SUPER_ADMIN_PASSWORD is set"):
        Settings.from_env({"SUPER_ADMIN_PASSWORD": "pw"})


def test_empty_values_count_as_unset() -> None:
    """A variable set to an empty or blank string takes its default (a common .env / dashboard artefact)."""
    settings = Settings.from_env({"DATABASE_URL": "", "PASSWORD_ROUNDS": "  ", "ENVIRONMENT": ""})
    assert settings == Settings()


def test_unknown_environment_is_refused() -> None:
    """ENVIRONMENT must be development or production; 'prod' is a typo to report, not to guess."""
    with pytest.raises(SettingsError, match="ENVIRONMENT: must be 'development' or 'production'"):
        Settings.from_env({"ENVIRONMENT": "prod"})


def test_a_non_string_value_is_reported() -> None:
    """A mapping-like env holding a non-str value (a Workers binding by mistake) is named, not crashed on."""
    with pytest.raises(SettingsError, match="TOKEN_ISSUER: must be a string, got int"):
        Settings.from_env({"TOKEN_ISSUER": 5})  # type: ignore[dict-item]


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_env() with no argument reads os.environ."""
    monkeypatch.setenv("TOKEN_AUDIENCE", "from-os-environ")
    assert Settings.from_env().token_audience == "from-os-environ"


def test_settings_are_a_value_with_one_field_list() -> None:
    """Settings compare and hash by value, build positionally in field order, and replace() gives a changed copy."""
    assert Settings._fields[:3] == ("environment", "database_url", "secret_key")
    assert len(Settings._fields) == 20
    first = Settings(database_url="sqlite:///x.db", secret_key="k" * 40)
    assert first == Settings("development", "sqlite:///x.db", "k" * 40)
    assert hash(first) == hash(Settings(database_url="sqlite:///x.db", secret_key="k" * 40))
    assert first != Settings(database_url="sqlite:///x.db", secret_key="j" * 40)
    changed = first.replace(password_rounds=1000)
    assert (changed.password_rounds, changed.secret_key, first.password_rounds) == (1000, first.secret_key, 600_000)
    assert repr(Settings()) == (
        "Settings(environment='development', database_url='sqlite:///leancore.sqlite3', admin_email=None, "
        "init_on_startup=False, access_token_minutes=30, token_issuer=None, token_audience=None, "
        "password_rounds=600000, forwarded_allow_ips=(), hash_queue_seconds=10.0, database_timeout=5.0, "
        "database_statement_timeout=3.0, database_pool_size=5, cors_origins=(), password_reset_minutes=30, "
        "password_reset_url=None, password_reset_webhook_url=None)")


def test_cors_origins_are_origins_normalised_or_a_star() -> None:
    """CORS_ORIGINS takes comma-separated scheme://host[:port] origins, lower-cased without a trailing slash, or *;
    a path, another scheme or a star among origins is refused by name."""
    parsed = Settings.from_env({"CORS_ORIGINS": "https://App.example.com/, http://localhost:3000"})
    assert parsed.cors_origins == ("https://app.example.com", "http://localhost:3000")
    assert Settings.from_env({"CORS_ORIGINS": "*"}).cors_origins == ("*",)
    for bad in ("https://app.example.com/path", "ftp://files.example.com", "*, https://a.example", "app.example"):
        with pytest.raises(SettingsError, match="CORS_ORIGINS"):
            Settings.from_env({"CORS_ORIGINS": bad})


def test_password_reset_settings_take_urls_and_minutes() -> None:
    """PASSWORD_RESET_URL and PASSWORD_RESET_WEBHOOK_URL must be absolute http(s) URLs; the lifetime is minutes."""
    parsed = Settings.from_env({"PASSWORD_RESET_URL": "https://app.example.com/reset",
                                "PASSWORD_RESET_WEBHOOK_URL": "http://mailer.internal:8025/send",
                                "PASSWORD_RESET_MINUTES": "15"})
    assert (parsed.password_reset_url, parsed.password_reset_webhook_url, parsed.password_reset_minutes) == (
        "https://app.example.com/reset", "http://mailer.internal:8025/send", 15)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"PASSWORD_RESET_URL": "/reset", "PASSWORD_RESET_WEBHOOK_URL": "mailto:x@example.com",
                           "PASSWORD_RESET_MINUTES": "0"})
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "PASSWORD_RESET_MINUTES", "PASSWORD_RESET_URL", "PASSWORD_RESET_WEBHOOK_URL"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("127.0.0.1", ("127.0.0.1",)),
    (" 10.0.0.0/8, 192.0.2.7 ,", ("10.0.0.0/8", "192.0.2.7")),
    ("2001:DB8::1,2001:db8:0::/32", ("2001:db8::1", "2001:db8::/32")),
    ("*", ("*",)),
    (" * ", ("*",)),
])
def test_forwarded_allow_ips_takes_addresses_and_networks_normalised(raw: str, expected: tuple[str, ...]) -> None:
    """FORWARDED_ALLOW_IPS is a comma-separated list of IP addresses and CIDR networks (normalised), or *."""
    assert Settings.from_env({"FORWARDED_ALLOW_IPS": raw}).forwarded_allow_ips == expected


@pytest.mark.parametrize("raw", ["localhost", "10.0.0.1/8", "10.0.0.0/33", "*, 10.0.0.1", "300.1.1.1", "unix:/s"])
def test_forwarded_allow_ips_refuses_what_is_not_an_address_or_network(raw: str) -> None:
    """Names, networks with host bits set, '*' mixed with addresses and bad addresses are refused, not ignored
    (uvicorn would silently treat them as literal names that no peer address ever equals)."""
    with pytest.raises(SettingsError, match=r"FORWARDED_ALLOW_IPS: .* is not an IP address or network"):
        Settings.from_env({"FORWARDED_ALLOW_IPS": raw})


@pytest.mark.parametrize(("raw", "expected"), [("0", 0.0), ("3", 3.0), ("0.25", 0.25), ("3600", 3600.0)])
def test_hash_queue_seconds_takes_a_plain_decimal(raw: str, expected: float) -> None:
    """HASH_QUEUE_SECONDS is a plain number of seconds from 0 to 3600."""
    assert Settings.from_env({"HASH_QUEUE_SECONDS": raw}).hash_queue_seconds == expected


@pytest.mark.parametrize("raw", ["-1", "nan", "inf", "1e3", "3601", ".5", "1.2.3", "\u0661"])
def test_hash_queue_seconds_refuses_anything_else(raw: str) -> None:
    """Negatives, NaN, infinity, exponents, more than an hour and non-ASCII digits are refused."""
    with pytest.raises(SettingsError, match="HASH_QUEUE_SECONDS: must be"):
        Settings.from_env({"HASH_QUEUE_SECONDS": raw})


@pytest.mark.parametrize(("password", "problem"), [
    ("x" * (PASSWORD_MIN_CHARS - 1), "must be at least 8 characters"),
    ("x" * PASSWORD_MIN_CHARS, None),
    ("é" * PASSWORD_MAX_CHARS, None),  # characters, not bytes, as the api's pydantic field counts
    ("x" * (PASSWORD_MAX_CHARS + 1), "must be at most 1024 characters"),
])
def test_password_problem_is_the_api_rule(password: str, problem: str | None) -> None:
    """8 to 1024 characters: shorter or longer is named, anything in between is acceptable."""
    assert password_problem(password) == problem


def test_production_refuses_a_super_admin_password_the_api_would_refuse() -> None:
    """ENVIRONMENT=production with a 7-character SUPER_ADMIN_PASSWORD: a problem naming the variable and the rule."""
    env = {"ENVIRONMENT": "production", "SECRET_KEY": STRONG, "ADMIN_EMAIL": "a@example.com"}
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env | {"SUPER_ADMIN_PASSWORD": "x" * 7})
    assert info.value.problems == (
        "SUPER_ADMIN_PASSWORD: must be at least 8 characters (the api's password rule)",)
    assert Settings.from_env(env | {"SUPER_ADMIN_PASSWORD": "x" * 8}).super_admin_password == "x" * 8


def test_development_takes_a_short_super_admin_password_but_never_an_overlong_one() -> None:
    """Development accepts 'pw'; over 1024 characters is refused everywhere (no login could ever send it)."""
    env = {"ADMIN_EMAIL": "a@example.com"}
    assert Settings.from_env(env | {"SUPER_ADMIN_PASSWORD": "pw"}).super_admin_password == "pw"
    with pytest.raises(SettingsError, match="must be at most 1024 characters"):
        Settings.from_env(env | {"SUPER_ADMIN_PASSWORD": "x" * (PASSWORD_MAX_CHARS + 1)})


def _problems(env: dict[str, str]) -> tuple[str, ...]:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    return info.value.problems


def test_settings_error_message_is_the_problems_joined() -> None:
    """str(SettingsError) is 'invalid settings: ' and the problems joined by '; ', in the order found."""
    assert str(SettingsError(["A: bad", "B: worse"])) == "invalid settings: A: bad; B: worse"
    assert SettingsError(["A: bad", "B: worse"]).problems == ("A: bad", "B: worse")


@pytest.mark.parametrize("raw", ["development", "Development", "DEVELOPMENT", " development "])
def test_environment_development_is_accepted_in_any_case(raw: str) -> None:
    """ENVIRONMENT=development (any case, surrounding blanks) gives development, which is not production."""
    settings = Settings.from_env({"ENVIRONMENT": raw})
    assert settings.environment == "development"
    assert settings.is_production is False


@pytest.mark.parametrize(("env", "problem"), [
    ({"ENVIRONMENT": "prod"}, "ENVIRONMENT: must be 'development' or 'production', got 'prod'"),
    ({"INIT_ON_STARTUP": "maybe"}, "INIT_ON_STARTUP: must be true/false (or 1/0, yes/no, on/off), got 'maybe'"),
    ({"PASSWORD_ROUNDS": "1_000"}, "PASSWORD_ROUNDS: must be a positive integer below 10**9, got '1_000'"),
    ({"ACCESS_TOKEN_EXPIRE_MINUTES": "0"},
     "ACCESS_TOKEN_EXPIRE_MINUTES: must be a positive integer below 10**9, got '0'"),
    ({"DATABASE_POOL_SIZE": "-1"}, "DATABASE_POOL_SIZE: must be a positive integer below 10**9, got '-1'"),
    ({"PASSWORD_RESET_MINUTES": "x"}, "PASSWORD_RESET_MINUTES: must be a positive integer below 10**9, got 'x'"),
    ({"DATABASE_TIMEOUT": "1e3"}, "DATABASE_TIMEOUT: must be a number of seconds such as 5 or 0.5, got '1e3'"),
    ({"DATABASE_TIMEOUT": "3601"}, "DATABASE_TIMEOUT: must be above 0 and at most 3600 seconds, got '3601'"),
    ({"DATABASE_STATEMENT_TIMEOUT": "0"},
     "DATABASE_STATEMENT_TIMEOUT: must be above 0 and at most 3600 seconds, got '0'"),
    ({"HASH_QUEUE_SECONDS": "nan"}, "HASH_QUEUE_SECONDS: must be a number of seconds, got 'nan'"),
    ({"HASH_QUEUE_SECONDS": "3601"}, "HASH_QUEUE_SECONDS: must be at most 3600, got '3601'"),
    ({"FORWARDED_ALLOW_IPS": "10.0.0.1, localhost"},
     "FORWARDED_ALLOW_IPS: 'localhost' is not an IP address or network (use '*' alone to trust every peer)"),
    ({"CORS_ORIGINS": "https://a.example/path"},
     "CORS_ORIGINS: 'https://a.example/path' is not an origin: scheme://host[:port], no path (or '*' alone)"),
    ({"CORS_ORIGINS": "ftp://a.example"}, "CORS_ORIGINS: must be an absolute http:// or https:// URL, got 'ftp://a.example'"),
    ({"PASSWORD_RESET_URL": "/reset"}, "PASSWORD_RESET_URL: must be an absolute http:// or https:// URL, got '/reset'"),
    ({"PASSWORD_RESET_WEBHOOK_URL": "mailto:x@example.com"},
     "PASSWORD_RESET_WEBHOOK_URL: must be an absolute http:// or https:// URL, got 'mailto:x@example.com'"),
    ({"SUPER_ADMIN_PASSWORD": "pw"}, "ADMIN_EMAIL: required when SUPER_ADMIN_PASSWORD is set"),
    ({"ENVIRONMENT": "production", "SECRET_KEY": STRONG, "INIT_SECRET": "i" * 31},
     "INIT_SECRET: must be at least 32 bytes in production"),
    ({"ENVIRONMENT": "production", "SECRET_KEY": "k" * 31},
     "SECRET_KEY: must be at least 32 bytes in production (RFC 7518 §3.2)"),
    ({"DATABASE_URL": "postgresql://u@h/db", "TOKEN_AUDIENCE": 7}, "TOKEN_AUDIENCE: must be a string, got int"),
])
def test_each_refusal_message_is_pinned(env: dict[str, str], problem: str) -> None:
    """Each misconfigured variable is reported as exactly 'NAME: what is wrong, got <value>' (what operators read)."""
    assert _problems(env) == (problem,)


def test_an_invalid_admin_email_names_the_variable_and_the_reason() -> None:
    """ADMIN_EMAIL that is no address: 'ADMIN_EMAIL: not a valid email address (<why>)'."""
    problems = _problems({"ADMIN_EMAIL": "not-an-email", "SUPER_ADMIN_PASSWORD": "pw"})
    assert len(problems) == 1
    assert problems[0].startswith("ADMIN_EMAIL: not a valid email address (")
    assert problems[0].endswith(")")
    assert len(problems[0]) > len("ADMIN_EMAIL: not a valid email address ()")


@pytest.mark.parametrize(("name", "raw", "field", "expected"), [
    ("PASSWORD_ROUNDS", "1", "password_rounds", 1),
    ("PASSWORD_ROUNDS", "999999999", "password_rounds", 999_999_999),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "1", "access_token_minutes", 1),
    ("DATABASE_POOL_SIZE", "1", "database_pool_size", 1),
    ("PASSWORD_RESET_MINUTES", "1", "password_reset_minutes", 1),
    ("DATABASE_TIMEOUT", "3600", "database_timeout", 3600.0),
    ("DATABASE_TIMEOUT", "0.0000000001", "database_timeout", 1e-10),  # twelve characters: the longest taken
    ("DATABASE_STATEMENT_TIMEOUT", "0.5", "database_statement_timeout", 0.5),
    ("HASH_QUEUE_SECONDS", "0.0000000001", "hash_queue_seconds", 1e-10),
])
def test_numeric_variables_accept_their_boundary_values(name: str, raw: str, field: str, expected: object) -> None:
    """Integers from 1 up to nine digits, timeouts up to 3600 s and decimals up to twelve characters are taken."""
    assert getattr(Settings.from_env({name: raw}), field) == expected


@pytest.mark.parametrize("name", ["DATABASE_TIMEOUT", "HASH_QUEUE_SECONDS"])
def test_seconds_longer_than_twelve_characters_are_refused(name: str) -> None:
    """A decimal of thirteen characters (0.00000000001) is refused as not a plain number of seconds."""
    (problem,) = _problems({name: "0.00000000001"})
    assert problem.startswith(f"{name}: must be a number of seconds")


def test_init_secret_of_exactly_32_bytes_is_taken_in_production() -> None:
    """Production accepts an INIT_SECRET of exactly 32 bytes (and counts bytes, not characters)."""
    env = {"ENVIRONMENT": "production", "SECRET_KEY": STRONG}
    assert Settings.from_env(env | {"INIT_SECRET": "i" * 32}).init_secret == "i" * 32
    assert _problems(env | {"INIT_SECRET": "é" * 15}) == ("INIT_SECRET: must be at least 32 bytes in production",)
    assert Settings.from_env({"INIT_SECRET": "short"}).init_secret == "short"  # development: any length


@pytest.mark.parametrize("url", [
    "https://app.example.com/reset?next=http://other.example/x",  # '://' again in the query
    "http://localhost:8000",
    "HTTPS://app.example.com/reset",
])
def test_password_reset_url_accepts_absolute_http_urls_as_given(url: str) -> None:
    """An absolute http(s) URL with a host is kept as given, whatever its query holds."""
    assert Settings.from_env({"PASSWORD_RESET_URL": url}).password_reset_url == url


@pytest.mark.parametrize("url", [
    "https:///reset",        # no host
    "https:///a/b",          # no host, a deeper path
    "https://?a?b",          # no host before the query
    "https://?next=x",       # no host before the query
    "https://app.example.com/re set",  # whitespace
    "https://app.example.com/\treset",
    "https://",
])
def test_password_reset_url_refuses_urls_without_a_host_or_with_whitespace(url: str) -> None:
    """A URL without a host (empty before the path or query) or with whitespace anywhere is refused."""
    assert _problems({"PASSWORD_RESET_URL": url}) == (
        f"PASSWORD_RESET_URL: must be an absolute http:// or https:// URL, got {url!r}",)


@pytest.mark.parametrize("origin", [
    "https://a.example/X",            # a path, however short
    "https://a.example?x",            # a query
    "https://a.example#x",            # a fragment
    "https://a.example/x://y",        # a path holding '://'
])
def test_cors_origins_refuse_anything_beyond_scheme_host_port(origin: str) -> None:
    """A path, a query or a fragment after the host makes a CORS_ORIGINS item no origin."""
    assert _problems({"CORS_ORIGINS": origin}) == (
        f"CORS_ORIGINS: {origin!r} is not an origin: scheme://host[:port], no path (or '*' alone)",)


def test_cors_origins_keep_the_host_whole_when_normalising() -> None:
    """Normalising an origin only drops trailing slashes and lower-cases: a host ending in X keeps its x."""
    assert Settings.from_env({"CORS_ORIGINS": "https://HOSTX/, http://a.example:8080"}).cors_origins == (
        "https://hostx", "http://a.example:8080")
