"""JSON Web Tokens (HS256/384/512) with python-jose 3.5.0's API, byte-identical output and safer decoding.

    >>> from core import jwt
    >>> jwt.encode({"a": "b"}, "secret")  # doctest: +SKIP
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhIjoiYiJ9.jiMyrsmD8AoHWeQgmxZ5yq8z0lXS67_QGs52AzC8Ru8'

Deviations from python-jose are listed in docs/compatibility.md.
"""

from __future__ import annotations

from core.jwt._algorithms import ALGORITHMS, Algorithms
from core.jwt._api import DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_TOKEN_BYTES, JWT
from core.jwt._claims import DEFAULT_OPTIONS
from core.jwt.exceptions import (
    EncodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InsecureKeyLengthWarning,
    InvalidAccessTokenHashError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidClaimTypeError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    JOSEError,
    JWKError,
    JWSAlgorithmError,
    JWSError,
    JWSSignatureError,
    JWTClaimsError,
    JWTError,
    MalformedTokenError,
    MissingRequiredClaimError,
    TokenTooLargeError,
    UnsupportedCriticalHeaderError,
)

_default = JWT()
encode = _default.encode
decode = _default.decode
get_unverified_header = _default.get_unverified_header
get_unverified_headers = _default.get_unverified_header  # python-jose's older name, kept there too
get_unverified_claims = _default.get_unverified_claims

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_HEADER_BYTES",
    "DEFAULT_MAX_TOKEN_BYTES",
    "DEFAULT_OPTIONS",
    "JWT",
    "Algorithms",
    "EncodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InsecureKeyLengthWarning",
    "InvalidAccessTokenHashError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidClaimTypeError",
    "InvalidIssuerError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "JOSEError",
    "JWKError",
    "JWSAlgorithmError",
    "JWSError",
    "JWSSignatureError",
    "JWTClaimsError",
    "JWTError",
    "MalformedTokenError",
    "MissingRequiredClaimError",
    "TokenTooLargeError",
    "UnsupportedCriticalHeaderError",
    "decode",
    "encode",
    "get_unverified_claims",
    "get_unverified_header",
    "get_unverified_headers",
]
