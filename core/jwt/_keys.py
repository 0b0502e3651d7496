"""HMAC key material: what callers may pass as ``key`` and how it becomes bytes.

Accepted: ``str`` (its UTF-8 bytes), ``bytes``, a JWK ``{"kty": "oct", "k": <base64url>}``, a JWK Set
``{"keys": [...]}``, or a list/tuple of any of these (key rotation). Deliberately *not* accepted: python-jose's
habit of parsing a ``str`` key as JSON first (``'"abc"'`` would become the secret ``abc``; a JSON-looking secret
would become a key set): a string is always the secret itself.
"""

from __future__ import annotations

from _collections_abc import Mapping  # collections.abc without importing the collections package

from core._cache import BoundedCache
from core.jwt._codec import b64url_decode
from core.jwt.exceptions import InsecureKeyLengthWarning, InvalidKeyError, MalformedTokenError

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any


# RFC 7518 §3.2: "A key of the same size as the hash output ... or larger MUST be used with this algorithm."
MIN_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}

# Asymmetric key material is never an HMAC secret (the classic alg-confusion attack feeds a public key here).
# Same refusal as python-jose / PyJWT: PEM armour of the usual kinds, and OpenSSH public key formats.
_PEM = (
    rb"----[- ]BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|PRIVATE KEY|PUBLIC KEY|ENCRYPTED PRIVATE KEY|"
    rb"OPENSSH PRIVATE KEY|DSA PRIVATE KEY|RSA PRIVATE KEY|RSA PUBLIC KEY|EC PRIVATE KEY|DH PARAMETERS|"
    rb"NEW CERTIFICATE REQUEST|CERTIFICATE REQUEST|SSH2 PUBLIC KEY|SSH2 ENCRYPTED PRIVATE KEY|X509 CRL)[- ]----"
)
_SSH_FORMATS = (b"ssh-ed25519", b"ssh-rsa", b"ssh-dss", b"ecdsa-sha2-nistp256", b"ecdsa-sha2-nistp384",
                b"ecdsa-sha2-nistp521")
_SSH_CERT = rb"\A(\S+)-cert-v01@openssh\.com[ \t]+\S"
# Vetted secrets by key, bounded: keys are configuration (a handful), but a caller could pass many distinct ones.
_VETTED: BoundedCache[str | bytes, bytes] = BoundedCache(64)


def _secret_bytes(key: str | bytes) -> bytes:
    """The secret for a str/bytes key, vetted once per distinct key (the PEM scan is the costly part)."""
    cached = _VETTED.get(key)
    if cached is not None:
        return cached
    secret = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    import re  # the scan runs once per distinct key: keep re off the import path (Workers startup CPU)

    if re.search(_PEM, secret) or any(fmt in secret for fmt in _SSH_FORMATS) or re.match(_SSH_CERT, secret):
        raise InvalidKeyError(
            "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret."
        )
    return _VETTED.put(key, secret)


def _jwk_secret(jwk: Mapping[Any, Any]) -> bytes:
    if jwk.get("kty") != "oct":
        raise InvalidKeyError(f"Incorrect key type. Expected: 'oct', Received: {jwk.get('kty')!r}")
    k = jwk.get("k")
    if not isinstance(k, str):
        raise InvalidKeyError("JWK member 'k' must be a base64url string")
    try:
        # python-jose tolerates padding in 'k'; so do we (keys are configuration, not attacker input).
        return b64url_decode(k.rstrip("=").encode("ascii"), "JWK 'k'")
    except (UnicodeEncodeError, MalformedTokenError) as exc:
        raise InvalidKeyError("JWK member 'k' is not valid base64url") from exc


def _for_algorithm(jwk: Mapping[Any, Any], algorithm: str) -> bool:
    """RFC 7517 §4.4: a JWK's "alg" names the one algorithm it is meant for; without one it may serve any."""
    alg = jwk.get("alg")
    return alg is None or alg == algorithm


def _expand(key: Any, algorithm: str, depth: int = 0) -> list[bytes]:
    if isinstance(key, (str, bytes, bytearray)):
        return [_secret_bytes(key if not isinstance(key, bytearray) else bytes(key))]
    if isinstance(key, Mapping):
        if "keys" in key:
            members = key["keys"]
            if not isinstance(members, (list, tuple)) or depth:
                raise InvalidKeyError("JWK Set member 'keys' must be a list of JWKs")
            # A JWK Set may hold RSA/EC keys, or keys for other algorithms: only 'oct' keys for this one can verify.
            return [_jwk_secret(m) for m in members
                    if isinstance(m, Mapping) and m.get("kty") == "oct" and _for_algorithm(m, algorithm)]
        if "kty" in key:
            if not _for_algorithm(key, algorithm):
                if depth:  # one key of a rotation list: another may be the one for this algorithm
                    return []
                raise InvalidKeyError(f"The JWK is for {key.get('alg')!r}, not {algorithm} (RFC 7517 §4.4)")
            return [_jwk_secret(key)]
        raise InvalidKeyError("A dict key must be a JWK ('kty') or a JWK Set ('keys')")
    if isinstance(key, (list, tuple)) and depth == 0:
        return [secret for item in key for secret in _expand(item, algorithm, depth + 1)]
    raise InvalidKeyError(f"Expecting a str, bytes, JWK or JWK Set key, not {type(key).__name__}")


def resolve_keys(key: Any, algorithm: str, *, strict: bool) -> list[bytes]:
    """Every secret ``key`` stands for, checked for emptiness and RFC 7518 length."""
    if key.__class__ is str or key.__class__ is bytes:  # the per-request case: a configured secret seen before
        secret = _VETTED.get(key)
        if secret is not None and len(secret) >= MIN_KEY_BYTES[algorithm]:
            return [secret]
    secrets = _expand(key, algorithm)
    if not secrets:
        raise InvalidKeyError(f"No HMAC ('oct') key for {algorithm} among the keys given")
    minimum = MIN_KEY_BYTES[algorithm]
    for secret in secrets:
        if not secret:
            raise InvalidKeyError("The HMAC key is empty")
        if len(secret) < minimum:
            message = (
                f"The HMAC key is {len(secret)} bytes, below the {minimum} bytes RFC 7518 §3.2 requires for "
                f"{algorithm}"
            )
            if strict:
                raise InvalidKeyError(message)
            import warnings

            warnings.warn(message, InsecureKeyLengthWarning, stacklevel=3)
    return secrets
