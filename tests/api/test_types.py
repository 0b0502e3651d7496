"""api.types: EmailStr (pydantic's on core.emails, without email-validator) and SettingKey (pydantic's pattern)."""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError

from api.types import MAX_EMAIL_LENGTH, SETTING_KEY_PATTERN, EmailStr, SettingKey


class Signup(BaseModel):
    email: EmailStr


def _error(value: object) -> dict[str, object]:
    with pytest.raises(ValidationError) as info:
        Signup(email=value)
    (error,) = info.value.errors()
    return dict(error)


def test_email_validator_is_not_installed_here() -> None:
    """The api env has no email-validator, so pydantic's own EmailStr cannot work here and ours must."""
    assert importlib.util.find_spec("email_validator") is None
    assert Signup(email="a@example.com").email == "a@example.com"


@pytest.mark.parametrize(
    ("given_value", "stored"),
    [
        ("  Ann@Example.COM \t", "Ann@example.com"),
        ("POSTMASTER@example.com", "postmaster@example.com"),
        ("Ann Lee <ann@Example.com>", "ann@example.com"),
        ('"Lee, Ann" <ann@example.com>', "ann@example.com"),
        ("me@xn--bcher-kva.example", "me@bücher.example"),
        ("me@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com", "me@example.com"),
    ],
)
def test_valid_input_is_stored_normalised(given_value: str, stored: str) -> None:
    """Whitespace is stripped, a display name dropped, and the normalised address stored."""
    assert Signup(email=given_value).email == stored


@pytest.mark.parametrize("value", ["a@example.com\n", "a@example.com\r\n", "a\n@example.com", "Ann <a@example.com>\r"])
def test_line_breaks_are_refused(value: str) -> None:
    """A CR or LF anywhere is refused (header injection), even where pydantic would strip it."""
    error = _error(value)
    assert error["type"] == "value_error"
    assert "line break" in str(error["msg"])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("a..b@example.com", "An email address cannot have two periods in a row."),
        ("a@localhost", "It should have a period."),
        ("nope", "An email address must have an @-sign."),
        ("x" * (MAX_EMAIL_LENGTH + 1), f"Length must not exceed {MAX_EMAIL_LENGTH} characters"),
    ],
)
def test_invalid_input_gives_pydantics_error_shape(value: str, reason: str) -> None:
    """Invalid addresses raise pydantic's value_error with 'value is not a valid email address: <reason>'."""
    error = _error(value)
    assert error["type"] == "value_error"
    assert str(error["msg"]).startswith("value is not a valid email address: ")
    assert reason in str(error["msg"])


def test_non_strings_are_refused_by_the_str_schema() -> None:
    """A non-string value fails pydantic's str validation before the email rules run."""
    assert _error(42)["type"] == "string_type"


def test_openapi_schema_says_format_email() -> None:
    """A FastAPI route using the type publishes it as a string with format email, and validates requests."""
    app = FastAPI()

    @app.post("/signup")
    async def signup(body: Signup) -> Signup:
        return body

    schema = app.openapi()["components"]["schemas"]["Signup"]["properties"]["email"]
    assert schema == {"type": "string", "format": "email", "title": "Email"}

    async def post(email: str) -> httpx.Response:
        # httpx's ASGI transport directly: starlette's TestClient now warns about httpx (filterwarnings = error).
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.post("/signup", json={"email": email})

    assert asyncio.run(post(" Ann@Example.COM ")).json() == {"email": "Ann@example.com"}
    assert asyncio.run(post("a..b@example.com")).status_code == 422


@given(
    local=st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,5}){0,2}", fullmatch=True),
    pad_left=st.text(" \t", max_size=3),
    pad_right=st.text(" \t", max_size=3),
)
def test_padding_never_changes_the_stored_address(local: str, pad_left: str, pad_right: str) -> None:
    """Any surrounding spaces/tabs give the same stored address as the bare input."""
    assert Signup(email=f"{pad_left}{local}@Example.org{pad_right}").email == f"{local}@example.org"


# SettingKey against the constraint it replaces: pydantic-core's own pattern check, error for error.
_PYDANTIC_KEYS = TypeAdapter(dict[Annotated[str, StringConstraints(pattern=SETTING_KEY_PATTERN)], int])
_OUR_KEYS = TypeAdapter(dict[SettingKey, int])


def _outcome(adapter: TypeAdapter[dict[str, int]], value: dict[str, int]) -> object:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        return exc.errors(include_url=False)


@given(st.one_of(st.from_regex(SETTING_KEY_PATTERN, fullmatch=True), st.text(max_size=70),
                 st.from_regex(SETTING_KEY_PATTERN, fullmatch=True).map(lambda key: key + "\n")))
def test_setting_key_matches_pydantics_pattern_constraint(key: str) -> None:
    """SettingKey accepts, rejects and reports exactly as StringConstraints(pattern=...) does (Rust regex)."""
    assert _outcome(_OUR_KEYS, {key: 1}) == _outcome(_PYDANTIC_KEYS, {key: 1})


def test_setting_key_json_schema_is_the_patterns() -> None:
    """OpenAPI still documents the key pattern (patternProperties), as with pydantic's constraint."""
    assert _OUR_KEYS.json_schema() == _PYDANTIC_KEYS.json_schema()
