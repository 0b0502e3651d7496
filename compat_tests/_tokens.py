"""One token decoded by core, python-jose and PyJWT with the same options, and how the three outcomes compare.

Used by ``python -m compat_tests tokens`` and by the release contract tests (compat_tests/release/). Each library's
outcome is reduced to the same shape: accepted with its claims, or refused with the class it raised. Error classes
are compared in each reference's own vocabulary: core's class is mapped onto the python-jose class a caller of
python-jose catches (core's tree is python-jose's, refined) and onto PyJWT's names.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import sys
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

LIBRARIES = ("core", "python-jose", "PyJWT")


class DecodeOptions(NamedTuple):
    """What every library is asked: the allowed algorithms, the expected audience and issuer, leeway and clock."""

    algorithms: tuple[str, ...] = ("HS256",)
    audience: str | None = None
    issuer: str | None = None
    leeway: int = 0
    now: int | None = None  # seconds since the epoch; None: the real clock


class Outcome(NamedTuple):
    """One library's answer: accepted with claims, or refused with the exception class (and its message)."""

    accepted: bool
    claims: dict[str, Any] | None = None
    error: str | None = None
    message: str | None = None


def _refused(exc: BaseException) -> Outcome:
    return Outcome(False, None, type(exc).__name__, str(exc)[:200])


@contextlib.contextmanager
def _frozen(modules: tuple[str, ...], now: int | None) -> Iterator[None]:
    """Make ``datetime.now()`` / ``utcnow()`` inside the given modules answer ``now``.

    Neither python-jose nor PyJWT takes a clock; both read ``datetime`` from their module globals while validating
    (python-jose 3.3 ``utcnow()``, 3.4+ ``now(UTC)``, PyJWT ``now(tz=timezone.utc)``). Only decoding runs inside
    this block, and decoding never type-checks a ``datetime``, so a subclass standing in for it is safe there.
    """
    if now is None:
        yield
        return
    fixed = _dt.datetime.fromtimestamp(now, _dt.timezone.utc)

    class _FrozenDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz: _dt.tzinfo | None = None) -> Any:
            return fixed if tz is not None else fixed.replace(tzinfo=None)

        @classmethod
        def utcnow(cls) -> Any:
            return fixed.replace(tzinfo=None)

    saved = {name: sys.modules[name].datetime for name in modules}
    try:
        for name in modules:
            sys.modules[name].datetime = _FrozenDatetime  # type: ignore[attr-defined]
        yield
    finally:
        for name, original in saved.items():
            sys.modules[name].datetime = original  # type: ignore[attr-defined]


def decode_core(token: str, key: str | bytes, opts: DecodeOptions) -> Outcome:
    import time

    from core.jwt import JWT, JWTError

    clock = time.time if opts.now is None else (lambda: float(opts.now))  # type: ignore[arg-type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a short key warns (InsecureKeyLengthWarning): reported separately
            claims = JWT(clock=clock).decode(token, key, algorithms=list(opts.algorithms), audience=opts.audience,
                                             issuer=opts.issuer, options={"leeway": opts.leeway})
    except JWTError as exc:
        return _refused(exc)
    return Outcome(True, claims)


def decode_jose(token: str, key: str | bytes, opts: DecodeOptions) -> Outcome:
    from jose import jwt as jose_jwt

    try:
        with warnings.catch_warnings(), _frozen(("jose.jwt",), opts.now):
            warnings.simplefilter("ignore")
            claims = jose_jwt.decode(token, key, algorithms=list(opts.algorithms), audience=opts.audience,
                                     issuer=opts.issuer, options={"leeway": opts.leeway})
    except Exception as exc:  # python-jose leaks TypeError / OverflowError on some claims: that is an outcome too
        return _refused(exc)
    return Outcome(True, claims)


def decode_pyjwt(token: str, key: str | bytes, opts: DecodeOptions) -> Outcome:
    import jwt as pyjwt

    try:
        with warnings.catch_warnings(), _frozen(("jwt.api_jwt",), opts.now):
            warnings.simplefilter("ignore")  # InsecureKeyLengthWarning (PyJWT 2.10+) under 32 bytes
            claims = pyjwt.decode(token, key, algorithms=list(opts.algorithms), audience=opts.audience,
                                  issuer=opts.issuer, leeway=opts.leeway)
    except Exception as exc:
        return _refused(exc)
    return Outcome(True, claims)


DECODERS = {"core": decode_core, "python-jose": decode_jose, "PyJWT": decode_pyjwt}


def decode_all(token: str, key: str | bytes, opts: DecodeOptions) -> dict[str, Outcome]:
    return {name: decode(token, key, opts) for name, decode in DECODERS.items()}


def jose_class_of(core_error: str) -> str:
    """The python-jose class a caller catches for core's error class (core's tree refines python-jose's)."""
    from core import jwt as core_jwt

    cls = getattr(core_jwt, core_error, None)
    if cls is None:
        return core_error
    if issubclass(cls, core_jwt.ExpiredSignatureError):
        return "ExpiredSignatureError"
    if issubclass(cls, core_jwt.JWTClaimsError):
        return "JWTClaimsError"
    return "JWTError"


# core's classes whose PyJWT counterpart has another name (the others share PyJWT's name).
_PYJWT_NAMES = {
    "MalformedTokenError": {"DecodeError"},
    "TokenTooLargeError": {"DecodeError"},
    # PyJWT: exp and nbf -> DecodeError ("must be an integer"), iat -> InvalidIssuedAtError, jti -> InvalidJTIError
    "InvalidClaimTypeError": {"DecodeError", "InvalidIssuedAtError", "InvalidJTIError"},
    "UnsupportedCriticalHeaderError": {"InvalidTokenError", "DecodeError"},
}


def pyjwt_classes_of(core_error: str) -> set[str]:
    """The PyJWT class names that mean what core's error class means."""
    return _PYJWT_NAMES.get(core_error, {core_error})


def differences(outcomes: dict[str, Outcome]) -> list[tuple[str, str]]:
    """``(reference, what differs)`` for each reference whose decision, claims or error class is not core's."""
    core = outcomes["core"]
    found: list[tuple[str, str]] = []
    for ref in ("python-jose", "PyJWT"):
        theirs = outcomes.get(ref)
        if theirs is None:
            continue
        if theirs.accepted != core.accepted:
            verb = "accepts" if theirs.accepted else f"refuses ({theirs.error})"
            ours = "accepts" if core.accepted else f"refuses ({core.error})"
            found.append((ref, f"decision: {ref} {verb}, core {ours}"))
        elif core.accepted and theirs.claims != core.claims:
            found.append((ref, "claims differ"))
        elif not core.accepted:
            ours_error = core.error or ""
            expected = {jose_class_of(ours_error)} if ref == "python-jose" else pyjwt_classes_of(ours_error)
            if theirs.error not in expected:
                found.append((ref, f"error class: {ref} {theirs.error}, core {core.error} "
                                   f"(expected {' or '.join(sorted(expected))})"))
    return found
