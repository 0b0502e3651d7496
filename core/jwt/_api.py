"""Encoding and decoding of HS256/384/512 JSON Web Tokens (RFC 7519 over RFC 7515 compact JWS).

``JWT`` is the policy object (size cap, key-length strictness, clock); the module-level functions of
``core.jwt`` are the methods of a default instance and keep python-jose's names and signatures.
"""

from __future__ import annotations

import sys
import time
from _collections_abc import Mapping  # collections.abc without importing the collections package

from core._cache import BoundedCache
from core.jwt._algorithms import HMAC_ALGORITHMS, unsupported_message
from core.jwt._claims import HASH_FOR_ALG, ClaimOptions, access_token_hash, merge_options, validate_claims
from core.jwt._codec import (
    b64url_check,
    b64url_decode,
    b64url_decode_checked,
    b64url_encode,
    json_bytes,
    json_header,
    json_object,
    overflowing_numbers,
)
from core.jwt._keys import resolve_keys
from core.jwt._mac import compare_digest, mac
from core.jwt.exceptions import (
    EncodeError,
    InvalidAlgorithmError,
    InvalidKeyError,
    InvalidSignatureError,
    JWTError,
    MalformedTokenError,
    TokenTooLargeError,
    UnsupportedCriticalHeaderError,
)

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import timedelta
    from typing import Any


# Only HMAC: leancore has no asymmetric keys, so "none" and RS*/ES*/PS* are refused whatever the options say.
_HMAC = HMAC_ALGORITHMS

_DEFAULT_HEADERS = {alg: b64url_encode(json_bytes({"typ": "JWT", "alg": alg}, sort_keys=True)) for alg in _HMAC}

# joserfc-style cap applied before any base64 or JSON work; a bearer token in a header is rarely over 1 KiB.
DEFAULT_MAX_TOKEN_BYTES = 8 * 1024
# The header is parsed before the signature is checked, so its size is what an anonymous caller controls: an HMAC
# token's header is alg/typ/kid (under 100 bytes); 512 bytes encoded leaves room for any other registered parameter.
DEFAULT_MAX_HEADER_BYTES = 512
# Compiled per-call options per JWT instance. Callers pass the same literal options at each call site, so a handful
# of entries is plenty; the bound only matters for a caller building a fresh options dict per request.
_PER_CALL_OPTIONS_MAX = 16


class JWT:
    """A token codec with its security policy fixed at construction.

    ``max_token_bytes``: longer tokens are refused before decoding; ``max_header_bytes``: the same for the encoded
    header, the one part parsed before the signature is verified. ``strict_key_length``: keys shorter than the
    hash output (RFC 7518 §3.2) raise ``InvalidKeyError`` instead of warning. ``clock``: seconds since the epoch.
    ``options``: python-jose's decode options (``DEFAULT_OPTIONS`` names) this instance always applies, with
    ``leeway`` as a shorthand for ``options["leeway"]``; they are checked and compiled here, once, as PyJWT does.
    ``decode(options=...)`` still works: those options are merged over the instance's for that call.

    Before the signature is verified, decoding does only linear work in C: the header (at most
    ``max_header_bytes``) is parsed, the payload's spelling is checked but it is decoded and parsed only once the
    MAC matches, and so are the numbers nested in a header checked for overflow.
    """

    def __init__(
        self,
        *,
        max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        strict_key_length: bool = False,
        clock: Callable[[], float] = time.time,
        options: Mapping[str, Any] | None = None,
        leeway: float | timedelta | None = None,
    ) -> None:
        if max_token_bytes < 1:
            raise ValueError("max_token_bytes must be positive")
        if max_header_bytes < 1:
            raise ValueError("max_header_bytes must be positive")
        merged = merge_options(options)
        if leeway is not None:
            if options and "leeway" in options:
                raise JWTError("leeway is given twice: as an argument and in options")
            merged["leeway"] = leeway
        compiled = ClaimOptions(merged)
        if compiled.leeway_error is not None:  # configuration, so refused now rather than on every decode
            raise JWTError(compiled.leeway_error)
        self.max_token_bytes = max_token_bytes
        self.max_header_bytes = max_header_bytes
        self.strict_key_length = strict_key_length
        self.clock = clock
        self._options = merged
        self._compiled = compiled
        self._per_call: BoundedCache[Any, ClaimOptions] = BoundedCache(_PER_CALL_OPTIONS_MAX)

    @property
    def options(self) -> dict[str, Any]:
        """The options every decode applies (python-jose's defaults updated with the constructor's); a copy."""
        return dict(self._options)

    # -- encoding ---------------------------------------------------------------------------------------------

    def encode(
        self,
        claims: Mapping[str, Any],
        key: Any,
        algorithm: str = "HS256",
        headers: Mapping[str, Any] | None = None,
        access_token: str | None = None,
    ) -> str:
        """Sign ``claims``; byte-identical to ``jose.jwt.encode`` for the same inputs. ``claims`` is not mutated."""
        if algorithm not in _HMAC:
            raise InvalidAlgorithmError(f"Algorithm {algorithm} not supported.{unsupported_message(algorithm)}")
        if not isinstance(claims, Mapping):
            raise EncodeError("claims must be a mapping")
        payload: Mapping[str, Any] = claims
        # Without the datetime module loaded no claim can be a datetime, and importing it costs startup time.
        datetime_module = sys.modules.get("datetime")
        if datetime_module is not None:
            for name in ("exp", "iat", "nbf"):
                value = claims.get(name)
                if isinstance(value, datetime_module.datetime):
                    payload = {**payload, name: _utc_seconds(value)}  # a copy: never mutate the caller's
        if access_token:
            payload = {**payload, "at_hash": access_token_hash(access_token, algorithm)}

        if headers and headers.get("alg", algorithm) != algorithm:
            raise EncodeError("headers['alg'] conflicts with the signing algorithm")
        try:
            if headers:
                encoded_header = b64url_encode(json_bytes({"typ": "JWT", "alg": algorithm, **headers}, sort_keys=True))
            else:
                encoded_header = _DEFAULT_HEADERS[algorithm]
            signing_input = encoded_header + b"." + b64url_encode(json_bytes(payload, sort_keys=False))
        except (TypeError, ValueError, RecursionError) as exc:
            raise EncodeError(f"Cannot serialise the token as JSON: {exc}") from exc

        secrets = resolve_keys(key, algorithm, strict=self.strict_key_length)
        if len(secrets) != 1:
            raise InvalidKeyError("Signing needs exactly one key, not a key set")
        signature = mac(secrets[0], signing_input, HASH_FOR_ALG[algorithm])
        return (signing_input + b"." + b64url_encode(signature)).decode("ascii")

    # -- decoding ---------------------------------------------------------------------------------------------

    def _split(self, token: Any) -> tuple[Mapping[str, Any], bytes | None, bytes, bytes, bytes]:
        """Cap, split and check a compact token: (header, the decoded header if its numbers are still to be
        checked, payload segment, signing input, signature segment).

        The payload segment's spelling is checked but it is left encoded: decoding it is the costliest step for a
        large forged token, and ``decode`` needs it only once the signature matches. The signature segment is left
        encoded too: ``decode`` compares it with the expected MAC's canonical encoding, which proves it canonical
        whenever it matches, and checks its spelling only when it does not.
        """
        if isinstance(token, str):
            if len(token) > self.max_token_bytes:
                raise TokenTooLargeError(f"Token longer than {self.max_token_bytes} bytes")
            try:
                raw = token.encode("ascii")
            except UnicodeEncodeError as exc:
                raise MalformedTokenError("Token contains non-ASCII characters") from exc
        elif isinstance(token, (bytes, bytearray)):
            raw = bytes(token)
        else:
            raise MalformedTokenError(f"Token must be str or bytes, not {type(token).__name__}")
        if len(raw) > self.max_token_bytes:
            raise TokenTooLargeError(f"Token longer than {self.max_token_bytes} bytes")
        separators = raw.count(b".")  # counted, not split: a token of dots would make thousands of segments
        if separators != 2:
            raise MalformedTokenError(f"Token must have 3 segments, not {separators + 1}")
        first = raw.index(b".")
        if first > self.max_header_bytes:
            raise TokenTooLargeError(f"Token header longer than {self.max_header_bytes} bytes")
        second = raw.index(b".", first + 1)
        header, unchecked = _parse_header(raw[:first])
        payload = raw[first + 1 : second]
        b64url_check(payload, "payload")
        return header, unchecked, payload, raw[:second], raw[second + 1 :]

    def _split_checked(self, token: Any) -> tuple[bytes, bytes]:
        """``_split`` with the signature segment's spelling checked too: (header bytes, payload bytes)."""
        _, unchecked, payload, signing_input, signature = self._split(token)
        b64url_check(signature, "crypto")
        if unchecked is not None:
            overflowing_numbers(unchecked)
        return b64url_decode_checked(signing_input[: -len(payload) - 1]), b64url_decode_checked(payload)

    def decode(
        self,
        token: str | bytes,
        key: Any,
        algorithms: str | Iterable[str] | None = None,
        options: Mapping[str, Any] | None = None,
        audience: str | None = None,
        issuer: str | Iterable[str] | None = None,
        subject: str | None = None,
        access_token: str | None = None,
    ) -> dict[str, Any]:
        """Verify the signature, then the registered claims; return the claims. Raises only ``JWTError``s."""
        header, unchecked, payload, signing_input, signature = self._split(token)
        algorithm = _checked_algorithm(header, algorithms)
        compiled = self._compiled if not options else self._compile(options)
        if compiled.verify_signature:
            secrets = resolve_keys(key, algorithm, strict=self.strict_key_length)
            digest = HASH_FOR_ALG[algorithm]
            # Every key is tried (no early exit) so timing does not reveal which key of a set matched. Compared in
            # base64url: only the canonical spelling of the right MAC matches, and the segment needs no decoding.
            matched = False
            for secret in secrets:
                matched |= compare_digest(b64url_encode(mac(secret, signing_input, digest)), signature)
            if not matched:
                b64url_check(signature, "crypto")  # a misspelt segment is reported as malformed, not as forged
                raise InvalidSignatureError("Signature verification failed.")
        else:
            b64url_check(signature, "crypto")  # unverified, but still only in its canonical spelling
        if unchecked is not None:
            overflowing_numbers(unchecked)
        claims = json_object(b64url_decode_checked(payload), "payload")
        validate_claims(
            claims,
            options=compiled,
            now=int(self.clock()),
            algorithm=algorithm,
            audience=audience,
            issuer=issuer,
            subject=subject,
            access_token=access_token,
        )
        return claims

    def _compile(self, options: Mapping[str, Any]) -> ClaimOptions:
        """Per-call options merged over the instance's and compiled, memoised by their items.

        The key holds the items in order (the order of extra ``require_<claim>`` names is the order their claims
        are checked in) and the leeway's type: ``True``, ``1`` and ``Decimal(1)`` are equal keys, but only the int
        is a valid leeway. Options that are not a plain dict, or hold an unhashable value, are compiled uncached.
        """
        if options.__class__ is not dict:
            return ClaimOptions(merge_options(options, self._options))
        try:
            key = (tuple(options.items()), options.get("leeway").__class__)
            compiled = self._per_call.get(key)
        except TypeError:  # an unhashable value
            return ClaimOptions(merge_options(options, self._options))
        if compiled is None:
            compiled = self._per_call.put(key, ClaimOptions(merge_options(options, self._options)))
        return compiled

    def get_unverified_header(self, token: str | bytes) -> dict[str, Any]:
        """The header, parsed as strictly as ``decode`` does but without any verification."""
        return json_object(self._split_checked(token)[0], "header")

    def get_unverified_claims(self, token: str | bytes) -> dict[str, Any]:
        """The claims, parsed as strictly as ``decode`` does but without any verification."""
        return json_object(self._split_checked(token)[1], "payload")


_EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()


def _utc_seconds(value: Any) -> int:
    """Whole seconds since the epoch, as python-jose's ``timegm(value.utctimetuple())``: naive means UTC,
    aware is converted, microseconds are dropped (without importing calendar, which pulls in locale)."""
    offset = value.utcoffset()
    if offset is not None:
        value = value - offset
    days = value.toordinal() - _EPOCH_ORDINAL
    return int(days * 86_400 + value.hour * 3_600 + value.minute * 60 + value.second)


_HEADERS: BoundedCache[bytes, Mapping[str, Any]] = BoundedCache(32)


def _parse_header(segment: bytes) -> tuple[Mapping[str, Any], bytes | None]:
    """The header's members as decode reads them (``json_header``: nested objects stay tuples of pairs), and for a
    nested header its decoded bytes, whose numbers decode checks only once the signature matches.

    Headers repeat across tokens (same alg/typ/kid), so the parse of a flat one is memoised; treat the result as
    read-only. The cache is bounded (attacker-chosen headers can evict entries, never grow it). Real headers are
    flat (alg, typ, kid); a nested one holds lists and tuples, and with a cache full of headers crafted to hold
    hundreds of them, the garbage collector re-traverses them all on every collection: a forged token whose header
    is a list of empty lists decoded ~1.25x slower that way on CPython 3.11 (bench/test_jwt_adversarial_bench.py,
    where it was the worst case).
    """
    header = _HEADERS.get(segment)
    if header is not None:
        return header, None
    decoded = b64url_decode(segment, "header")
    if b"[" not in decoded and decoded.count(b"{") == 1:
        return _HEADERS.put(segment, json_header(decoded)), None
    return json_header(decoded), decoded


def _checked_algorithm(header: Mapping[str, Any], algorithms: str | Iterable[str] | None) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise InvalidAlgorithmError("No algorithm was specified in the JWS header.")
    if alg not in _HMAC:
        raise InvalidAlgorithmError(f"Invalid or unsupported algorithm: {alg}.{unsupported_message(alg)}")
    if algorithms is not None:
        # A string is one algorithm name (python-jose tests `alg in "HS256,HS384"` as a substring).
        if isinstance(algorithms, str):
            permitted = alg == algorithms
        elif algorithms.__class__ is list or algorithms.__class__ is tuple:
            permitted = alg in algorithms
        else:
            try:
                permitted = alg in tuple(algorithms)
            except TypeError as exc:
                raise JWTError("algorithms must be a string or an iterable of strings") from exc
        if not permitted:
            raise InvalidAlgorithmError("The specified alg value is not allowed")
    if "crit" in header:
        # RFC 7515 §4.1.11: no extension is understood here, so any critical one makes the token invalid.
        raise UnsupportedCriticalHeaderError(f"Unsupported critical header parameters: {header['crit']!r}")
    return alg
