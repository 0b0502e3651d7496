"""The RFC vectors in tests/core/data/jwt_vectors.json verify identically in python-jose, PyJWT and core."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from jose import jws as jose_jws

from core import jwt as core_jwt

DATA = Path(__file__).resolve().parent.parent / "tests" / "core" / "data" / "jwt_vectors.json"
VECTORS = json.loads(DATA.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_payload_agrees_across_libraries(vector: dict[str, Any]) -> None:
    """python-jose's JWS layer, PyJWT's and core return the same verified payload for each published vector."""
    key = vector["key"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jose_payload = jose_jws.verify(vector["token"], key, algorithms=["HS256"])
        pyjwt_key = pyjwt.PyJWK(key).key if isinstance(key, dict) else key
        pyjwt_payload = pyjwt.api_jws.decode(vector["token"], pyjwt_key, algorithms=["HS256"])
        expected = vector["payload_text"].encode() if "payload_text" in vector else None
        if expected is None:
            ours = core_jwt.JWT(clock=lambda: vector["now"]).decode(vector["token"], key, algorithms=["HS256"])
            assert json.loads(jose_payload) == json.loads(pyjwt_payload) == ours == vector["claims"]
        else:
            assert jose_payload == pyjwt_payload == expected
