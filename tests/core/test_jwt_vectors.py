"""Published test vectors (tests/core/data/jwt_vectors.json, each naming its RFC section) pass in core.jwt."""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from core.jwt import JWT, InvalidSignatureError, MalformedTokenError

VECTORS = json.loads((Path(__file__).parent / "data" / "jwt_vectors.json").read_text(encoding="utf-8"))["vectors"]


def codec(vector: dict[str, Any]) -> JWT:
    return JWT(clock=lambda: vector["now"])


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_header_parses(vector: dict[str, Any]) -> None:
    """The vector's protected header reads back exactly as published."""
    assert codec(vector).get_unverified_header(vector["token"]) == vector["header"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_verifies(vector: dict[str, Any]) -> None:
    """The published signature verifies with the published key, yielding the published claims."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the docstring example uses a 6-byte key
        if "claims" in vector:
            assert codec(vector).decode(vector["token"], vector["key"], algorithms=["HS256"]) == vector["claims"]
        else:
            # RFC 7520 §4.4 signs plain text: the signature must pass, and only then the payload is refused.
            with pytest.raises(MalformedTokenError, match="payload"):
                codec(vector).decode(vector["token"], vector["key"], algorithms=["HS256"])
            payload = vector["token"].split(".")[1]
            assert base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode() == vector["payload_text"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_with_one_flipped_signature_bit_fails(vector: dict[str, Any]) -> None:
    """Changing the published signature makes verification fail."""
    head, payload, sig = vector["token"].split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "="))
    raw[0] ^= 1
    tampered = f"{head}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InvalidSignatureError):
            codec(vector).decode(tampered, vector["key"], algorithms=["HS256"])


@pytest.mark.parametrize("vector", [v for v in VECTORS if "encode" in v], ids=lambda v: v["name"])
def test_vector_encodes_byte_for_byte(vector: dict[str, Any]) -> None:
    """Encoding the vector's inputs reproduces the published token exactly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        token = codec(vector).encode(vector["encode"]["claims"], vector["key"], vector["encode"]["algorithm"])
    assert token == vector["token"]
