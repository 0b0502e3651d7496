"""The JWT exception tree.

Names and parentage follow python-jose (``JWTError`` > ``JWTClaimsError``, ``ExpiredSignatureError``) so that
``except JWTError`` code keeps working; the finer classes below add a stable ``code`` for API responses and logs.
Every class is also a ``ValueError``: bad tokens are bad input.

python-jose's other names map onto this tree, so each ``except`` clause keeps catching what it caught there:
``JOSEError`` (its root) is ``JWTError``, the root here; ``JWSError`` is the parent of the token-format,
algorithm and signature errors; ``JWSSignatureError``, ``JWSAlgorithmError`` and ``JWKError`` are
``InvalidSignatureError``, ``InvalidAlgorithmError`` and ``InvalidKeyError``. (python-jose's ``jwt.decode`` turns
its JWS errors into plain ``JWTError``; every class here is a ``JWTError`` anyway.)
"""

from __future__ import annotations

from core.errors import LeancoreError


class JWTError(LeancoreError, ValueError):
    """A token could not be created or was rejected."""

    code = "invalid_token"


class JWSError(JWTError):
    """The signed envelope is wrong: its format, its algorithm or its signature (python-jose's ``JWSError``).

    Never raised itself: its subclasses are.
    """

    code = "invalid_jws"


class MalformedTokenError(JWSError):
    """The token is not three canonical base64url segments holding JSON objects."""

    code = "malformed_token"


class TokenTooLargeError(MalformedTokenError):
    """The token is longer than the configured cap; rejected before any decoding work."""

    code = "token_too_large"


class InvalidAlgorithmError(JWSError):
    """The header's ``alg`` is not an HMAC algorithm, or not one the caller allowed."""

    code = "invalid_algorithm"


class UnsupportedCriticalHeaderError(JWSError):
    """The header lists ``crit`` extensions this implementation does not understand (RFC 7515 §4.1.11)."""

    code = "unsupported_critical_header"


class InvalidKeyError(JWTError):
    """The key is unusable: wrong type, empty, asymmetric material, malformed JWK, or too short in strict mode."""

    code = "invalid_key"


class InvalidSignatureError(JWSError):
    """No given key produces the token's signature."""

    code = "invalid_signature"


class EncodeError(JWTError):
    """The claims or headers cannot be serialised into a token (non-JSON values, NaN, conflicting ``alg``)."""

    code = "encode_error"


class MissingRequiredClaimError(JWTError):
    """A claim required through ``options["require_<claim>"]`` is absent (python-jose raises plain JWTError)."""

    code = "missing_claim"

    def __init__(self, claim: str) -> None:
        super().__init__(f'missing required key "{claim}" among claims')
        self.claim = claim


class ExpiredSignatureError(JWTError):
    """The ``exp`` claim is at or before the current time (minus leeway)."""

    code = "token_expired"


class JWTClaimsError(JWTError):
    """A registered claim is invalid."""

    code = "invalid_claims"


class ImmatureSignatureError(JWTClaimsError):
    """The ``nbf`` claim is in the future (beyond leeway)."""

    code = "token_not_yet_valid"


class InvalidClaimTypeError(JWTClaimsError):
    """A registered claim has the wrong JSON type or an out-of-range value."""

    code = "invalid_claim_type"


class InvalidAudienceError(JWTClaimsError):
    code = "invalid_audience"


class InvalidIssuerError(JWTClaimsError):
    code = "invalid_issuer"


class InvalidSubjectError(JWTClaimsError):
    code = "invalid_subject"


class InvalidAccessTokenHashError(JWTClaimsError):
    code = "invalid_at_hash"


class InsecureKeyLengthWarning(UserWarning):
    """An HMAC key is shorter than its hash output (RFC 7518 §3.2); use ``strict_key_length`` to refuse."""


# python-jose's names for the same errors (``jose.exceptions``)
JOSEError = JWTError
JWSSignatureError = InvalidSignatureError
JWSAlgorithmError = InvalidAlgorithmError
JWKError = InvalidKeyError
