"""Request and response bodies (pydantic); error bodies are ``ErrorBody`` everywhere (see ``api.errors``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.types import EmailStr, SettingKey

# 8 characters at least (NIST SP 800-63B §3.1.1.2); 1024 characters at most keeps every password within
# core.passwords' 4096-byte cap in UTF-8 (4 bytes a character at worst).
Password = Annotated[str, Field(min_length=8, max_length=1024)]
# Any password that was ever set is accepted for checking (the login form and "current password" fields).
AnyPassword = Annotated[str, Field(min_length=1, max_length=1024)]


class ErrorBody(BaseModel):
    code: str
    message: str
    errors: list[dict[str, Any]] | None = None


# An error response in ``responses=``: a reference to ErrorBody's schema, which ``create_app``'s ``openapi()`` adds
# to the components. Not ``{"model": ErrorBody}``: FastAPI builds a pydantic TypeAdapter per route and status code
# for each (~50 here), used for nothing but the schema (measured: most of create_app's CPU; bench api.coldstart).
# The resulting OpenAPI document is the same, byte for byte (diffed; tests/api/test_app.py pins the ErrorBody schema).
ERROR_RESPONSE: dict[str, Any] = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
}
_SECONDS = {"type": "integer", "minimum": 0}
# 429 always says when to come back (api/throttle.py). A 503 does for maintenance (api/site_flags.py) and a full
# hashing queue (api/hashing.py), not for an unavailable database, whose recovery nobody can promise.
THROTTLED_RESPONSE: dict[str, Any] = {**ERROR_RESPONSE, "headers": {"Retry-After": {
    "description": "seconds until the limit that refused lets a request through", "required": True,
    "schema": _SECONDS}}}
UNAVAILABLE_RESPONSE: dict[str, Any] = {**ERROR_RESPONSE, "headers": {"Retry-After": {
    "description": "seconds to wait: sent with `maintenance` and `busy`, not when the database is unavailable",
    "required": False, "schema": _SECONDS}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for these error statuses: ErrorBody each, with ``Retry-After`` documented on 429 and 503."""
    special = {429: THROTTLED_RESPONSE, 503: UNAVAILABLE_RESPONSE}
    return {status: special.get(status, ERROR_RESPONSE) for status in statuses}


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type name, not a secret
    expires_in: int = Field(description="seconds until the token expires")


class User(BaseModel):
    id: int
    email: str
    is_active: bool
    is_superuser: bool
    created_at: str
    updated_at: str


class UserList(BaseModel):
    items: list[User]
    total: int
    limit: int
    offset: int


# Request flags are StrictBool, JSON true/false only: pydantic's lax bool also takes 0, 1, "true", "off", "yes", ...,
# values the schema (type: boolean) calls invalid, so a client's mistake would silently set a flag.
class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    password: Password
    is_active: StrictBool = True
    is_superuser: StrictBool = False


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = None
    password: Password | None = None
    is_active: StrictBool | None = None
    is_superuser: StrictBool | None = None


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    password: Password


class ProfileUpdate(BaseModel):
    """A user's change to their own account: flags are not theirs to set (extra fields are refused)."""

    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = None
    password: Password | None = None
    current_password: AnyPassword | None = Field(
        default=None, description="required to change the email or the password")


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, Field(min_length=1, max_length=8192)]
    new_password: Password


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    message: str


class PasswordResetLink(BaseModel):
    reset_url: str = Field(description="the link to hand to the user; it carries the token")
    token: str
    expires_in: int = Field(description="seconds until the link expires")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: AnyPassword
    new_password: Password


# A setting's value is any JSON value. Any, not pydantic's JsonValue: a request body can only hold JSON values and
# stored ones are read back with json.loads, so JsonValue's recursive union schema would refuse nothing, and building
# it is a share of a no-snapshot Worker start inside Pyodide (docs/pyodide-harness.md, workers.nosnapshot).
SiteSettings = dict[str, Any]
# additionalProperties false: with patternProperties alone, JSON Schema allows keys outside the pattern, which the
# api refuses (422 string_pattern_mismatch); the schema says so.
SiteSettingsPatch = Annotated[dict[SettingKey, Any], Field(max_length=64,
                                                           json_schema_extra={"additionalProperties": False})]


class Health(BaseModel):
    status: Literal["healthy", "unhealthy", "uninitialized"]
    database: Literal["ok", "unavailable"]
    code: str | None = None
    message: str | None = None


class Status(BaseModel):
    version: str
    runtime: dict[str, str]
    database: dict[str, Any]
    users: int | None
    email_collisions: list[list[int]]
    password_policy: dict[str, Any]
    security_events: dict[str, int]
    uptime_seconds: float


class InitializationReport(BaseModel):
    ok: bool
    database_type: str | None
    schema_version: int
    started_at: str
    duration_ms: float
    steps: list[dict[str, Any]]
    created: dict[str, list[str]]
    email_collisions: list[list[int]]
    errors: list[str]
