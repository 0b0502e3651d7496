"""``CryptContext``: passlib 1.7.4's ``passlib.context.CryptContext`` for core's schemes, over PasswordHasher.

Each configured scheme is one :class:`PasswordHasher` (its policy: rounds of new hashes, the ``min_rounds`` /
``max_rounds`` band outside which a stored hash is due for update); the context adds passlib's scheme list,
default scheme and deprecated set, and passlib's method signatures and results. Differences from passlib are listed
in docs/compatibility.md.
"""

from __future__ import annotations

from _collections_abc import Iterable  # collections.abc without importing the collections package

from core.passwords import _bcrypt
from core.passwords._errors import InvalidPolicyError, MalformedHashError, UnknownHashError
from core.passwords._hasher import (
    DEFAULT_BCRYPT_COST,
    DEFAULT_ROUNDS,
    DEFAULT_SALT_SIZE,
    SCHEME_BCRYPT,
    SCHEME_DJANGO_PBKDF2_SHA256,
    SCHEME_PBKDF2_SHA256,
    PasswordHasher,
)
from core.passwords._pbkdf2_format import DJANGO_PREFIX, PASSLIB_PREFIX

# passlib's handler names -> core's scheme names, in the order error messages list them.
SUPPORTED_SCHEMES = {
    "pbkdf2_sha256": SCHEME_PBKDF2_SHA256,
    "bcrypt": SCHEME_BCRYPT,
    "django_pbkdf2_sha256": SCHEME_DJANGO_PBKDF2_SHA256,
}
_PREFIXES: dict[str, str | tuple[str, ...]] = {
    "pbkdf2_sha256": PASSLIB_PREFIX,
    "bcrypt": _bcrypt.PREFIXES,
    "django_pbkdf2_sha256": DJANGO_PREFIX,
}
# Rounds of new hashes when the configuration names none. passlib 1.7.4 uses 29,000 for both PBKDF2 schemes (a
# 2016 figure); core keeps OWASP's 600,000 (2023). bcrypt's 12 is passlib's default.
_DEFAULT_ROUNDS = {"pbkdf2_sha256": DEFAULT_ROUNDS, "bcrypt": DEFAULT_BCRYPT_COST,
                   "django_pbkdf2_sha256": DEFAULT_ROUNDS}
# passlib's per-scheme keywords (``<scheme>__<setting>``) that core honours; passlib's aliases map to one meaning.
_SETTINGS = {
    "rounds": "rounds",
    "default_rounds": "default_rounds",
    "min_rounds": "min_rounds",
    "min_desired_rounds": "min_rounds",
    "max_rounds": "max_rounds",
    "max_desired_rounds": "max_rounds",
    "salt_size": "salt_size",
    "ident": "ident",
}
_DUMMY_SECRET = "too many secrets"  # noqa: S105 - not a credential: passlib's CryptContext._dummy_secret


def _names(value: object, what: str) -> list[str]:
    """A list of scheme names from passlib's accepted spellings: a sequence of str, or one comma-separated str."""
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        names = list(value)
        if all(isinstance(name, str) for name in names):
            return names
    raise InvalidPolicyError(f"{what} must be a list of scheme names or one comma-separated str, not {value!r}")


def _int(value: object, key: str) -> int:
    """An int setting, accepting passlib's decimal strings (configuration files give strings)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPolicyError(f"{key} must be an int, not {value!r}")
    return value


def _ident(value: object) -> str:
    text = value.strip("$") if isinstance(value, str) else value
    if text not in ("2a", "2b", "2y"):
        raise InvalidPolicyError(f"bcrypt__ident must be 2a, 2b or 2y, not {value!r} (core never writes $2$ or $2x$)")
    return str(text)


def _record(name: str, settings: dict[str, object]) -> PasswordHasher:
    """The PasswordHasher for one scheme under passlib's rules: ``rounds`` sets min, max and default at once."""
    given = {_SETTINGS[key]: value for key, value in settings.items()}
    if len(given) != len(settings):
        raise InvalidPolicyError(f"{name}: min_rounds/min_desired_rounds and max_rounds/max_desired_rounds are "
                                 "aliases; give one of each")
    rounds = given.get("rounds")
    ints = {key: _int(value, f"{name}__{key}") for key, value in given.items() if key != "ident" and value is not None}
    if rounds is not None:
        for key in ("min_rounds", "max_rounds", "default_rounds"):
            ints.setdefault(key, ints["rounds"])
    low, high = ints.get("min_rounds"), ints.get("max_rounds")
    default = ints.get("default_rounds")
    if default is None:
        # As passlib: the scheme's default, moved into the configured band.
        default = _DEFAULT_ROUNDS[name]
        default = max(default, low) if low is not None else default
        default = min(default, high) if high is not None else default
    if "ident" in given and name != "bcrypt":
        raise InvalidPolicyError(f"{name} has no ident setting (bcrypt__ident is bcrypt's)")
    if "salt_size" in ints and name != "pbkdf2_sha256":
        # bcrypt's salt is fixed; passlib counts a Django salt in characters where PasswordHasher counts bytes
        raise InvalidPolicyError(f"{name}__salt_size is not a setting (bcrypt: always 16 bytes; Django: 22 "
                                 "characters, 128 bits)")
    return PasswordHasher(
        default,
        # passlib flags stored hashes by rounds only when a minimum or maximum is configured
        min_rounds=1 if low is None else low,
        max_rounds=high,
        salt_size=ints.get("salt_size", DEFAULT_SALT_SIZE),
        scheme=SUPPORTED_SCHEMES[name],
        bcrypt_ident=_ident(given["ident"]) if "ident" in given else "2b",
    )


class CryptContext:
    """passlib's ``CryptContext`` for ``pbkdf2_sha256``, ``bcrypt`` and ``django_pbkdf2_sha256``.

    ``CryptContext(schemes=["bcrypt"], deprecated="auto")`` works as in passlib: ``hash`` uses the default scheme
    (``default=``, else the first scheme not deprecated), ``deprecated="auto"`` marks every other scheme as due for
    update, and ``<scheme>__<setting>`` keywords configure one scheme: ``rounds`` (sets ``default_rounds``,
    ``min_rounds`` and ``max_rounds`` at once), ``default_rounds``, ``min_rounds``, ``max_rounds``, ``salt_size``
    (PBKDF2 schemes, at least 16), ``bcrypt__ident`` (``2a``, ``2b``, ``2y``). Settings for a supported scheme the
    context does not list are ignored, as in passlib; anything else is an InvalidPolicyError (a ValueError).

    New hashes when no rounds are configured: bcrypt cost 12 (passlib's default; ~0.25 s with the native ``bcrypt``
    package, which is used when importable, and ~16 s in the pure-Python engine on CPython 3.11, about 2.7x that in
    Pyodide), PBKDF2 600,000 rounds (OWASP 2023; passlib: 29,000).
    """

    __slots__ = ("_default", "_deprecated", "_dummy_hash", "_records", "_settings")

    def __init__(
        self,
        schemes: str | Iterable[str] | None = None,
        default: str | None = None,
        deprecated: str | Iterable[str] = (),
        **kwds: object,
    ) -> None:
        names = _names(schemes if schemes is not None else [], "schemes")
        if not names:
            raise InvalidPolicyError(
                f"CryptContext needs at least one scheme; supported: {', '.join(SUPPORTED_SCHEMES)}")
        unknown = [name for name in names if name not in SUPPORTED_SCHEMES]
        if unknown:
            raise InvalidPolicyError(f"unsupported scheme(s) {', '.join(map(repr, unknown))}: "
                                     f"core.passwords.CryptContext supports {', '.join(SUPPORTED_SCHEMES)}")
        if len(set(names)) != len(names):
            raise InvalidPolicyError(f"a scheme is listed twice in {names!r}")
        per_scheme: dict[str, dict[str, object]] = {name: {} for name in names}
        for key, value in kwds.items():
            scheme, _, setting = key.partition("__")
            if not setting or "__" in setting:
                raise InvalidPolicyError(
                    f"unsupported CryptContext keyword {key!r}: core offers schemes, default, deprecated and "
                    f"<scheme>__<setting> with a setting among {', '.join(_SETTINGS)} (no categories, no all__)")
            if scheme not in SUPPORTED_SCHEMES or setting not in _SETTINGS:
                raise InvalidPolicyError(
                    f"unsupported CryptContext keyword {key!r}: schemes {', '.join(SUPPORTED_SCHEMES)}, settings "
                    f"{', '.join(_SETTINGS)}")
            if scheme in per_scheme:
                per_scheme[scheme][setting] = value
        given_default = default
        if deprecated is None:
            raise InvalidPolicyError("deprecated must be \"auto\" or a list of scheme names, not None")
        auto = deprecated == "auto"
        deprecated_names = [] if auto else _names(deprecated, "deprecated")
        missing = [name for name in deprecated_names if name not in names]
        if missing:
            raise InvalidPolicyError(f"deprecated scheme(s) {', '.join(map(repr, missing))} not in schemes {names!r}")
        if default is not None:
            if default not in names:
                raise InvalidPolicyError(f"default scheme {default!r} is not in schemes {names!r}")
            if default in deprecated_names:
                raise InvalidPolicyError("the default scheme cannot be deprecated")
        else:
            candidates = [name for name in names if name not in deprecated_names]
            if not candidates:
                raise InvalidPolicyError("at least one scheme must not be deprecated")
            default = candidates[0]
        self._records = {name: _record(name, per_scheme[name]) for name in names}
        self._default = default
        self._deprecated = frozenset(name for name in names if name != default) if auto else frozenset(
            deprecated_names)
        # As given, for copy(): a default left implicit is recomputed for a new scheme list, as in passlib.
        self._settings: dict[str, object] = {"schemes": list(names), "deprecated": deprecated, **kwds}
        if given_default is not None:
            self._settings["default"] = given_default
        # Made on the first dummy_verify, never here: contexts are built at import time, which Workers snapshots.
        self._dummy_hash: str | None = None

    def __repr__(self) -> str:
        return (f"<CryptContext schemes={self.schemes()!r} default={self._default!r} "
                f"deprecated={sorted(self._deprecated)!r}>")

    # ----- configuration -------------------------------------------------------------------------------------

    def copy(self, **kwds: object) -> CryptContext:
        """A new context with these settings replacing the current ones (passlib's ``copy``)."""
        settings = {**self._settings, **kwds}
        return CryptContext(**settings)  # type: ignore[arg-type]

    def using(self, **kwds: object) -> CryptContext:
        """Alias of :meth:`copy` (passlib 1.7)."""
        return self.copy(**kwds)

    def schemes(self, resolve: bool = False, category: str | None = None,
                unconfigured: bool = False) -> tuple[str, ...]:
        """The configured scheme names, in order. ``resolve=True`` (passlib's handler objects) is not offered."""
        _no_handlers(resolve)
        return tuple(self._records)

    def default_scheme(self, category: str | None = None, resolve: bool = False, unconfigured: bool = False) -> str:
        """The scheme ``hash`` uses."""
        _no_handlers(resolve)
        return self._default

    def policy(self, scheme: str | None = None) -> PasswordHasher:
        """The PasswordHasher behind one scheme (default: the default scheme); core's addition to passlib's API."""
        return self._record(scheme or self._default)

    def _record(self, scheme: str) -> PasswordHasher:
        try:
            return self._records[scheme]
        except KeyError:
            raise InvalidPolicyError(f"scheme {scheme!r} is not configured in this CryptContext "
                                     f"({', '.join(self._records)})") from None

    # ----- hashes --------------------------------------------------------------------------------------------

    def identify(self, hash: str | bytes | None, category: str | None = None, resolve: bool = False,
                 required: bool = False, unconfigured: bool = False) -> str | None:
        """The configured scheme a hash belongs to (by its prefix, as passlib), else None (``required``: raise)."""
        _no_handlers(resolve)
        found = self._find(hash)
        if found is None and required:
            raise UnknownHashError("hash could not be identified")
        return found

    def _find(self, hash: object) -> str | None:
        if isinstance(hash, bytes):
            text = hash.decode("latin-1")
        elif isinstance(hash, str):
            text = hash
        else:
            raise MalformedHashError(f"a stored hash is str or bytes, not {type(hash).__name__}")
        for name in self._records:
            if text.startswith(_PREFIXES[name]):
                return name
        return None

    def _scheme_of(self, hash: str | bytes, scheme: str | None) -> str:
        """The configured scheme of a hash (``scheme``, when given, must be it); UnknownHashError otherwise."""
        if scheme is not None:
            self._record(scheme)
        found = self._find(hash)
        if found is None:
            raise UnknownHashError("hash could not be identified")
        if scheme is not None and found != scheme:
            raise UnknownHashError(f"the hash is not a {scheme} hash")
        return found

    def hash(self, secret: str | bytes, scheme: str | None = None, category: str | None = None,
             **kwds: object) -> str:
        """A new hash of ``secret`` with the default scheme (or ``scheme``) and its configured rounds.

        bcrypt: cost 12 unless configured, computed by the native ``bcrypt`` package when importable (~0.25 s at
        cost 12), else by the pure-Python engine (~16 s at cost 12 on CPython 3.11; configure a lower cost or a
        PBKDF2 default where the package is missing, as on Workers). PBKDF2: 600,000 rounds unless configured.
        """
        _no_call_settings(kwds, "hash")
        return self._record(scheme or self._default).hash(secret)

    def verify(self, secret: str | bytes, hash: str | bytes | None, scheme: str | None = None,
               category: str | None = None, **kwds: object) -> bool:
        """Whether ``secret`` matches ``hash``; False for ``hash=None`` after a dummy verification (as passlib)."""
        _no_call_settings(kwds, "verify")
        if hash is None:
            self.dummy_verify()
            return False
        return self._record(self._scheme_of(hash, scheme)).verify(secret, hash)

    def needs_update(self, hash: str | bytes, scheme: str | None = None, category: str | None = None,
                     secret: str | bytes | None = None) -> bool:
        """Whether a stored hash should be replaced: its scheme is deprecated, or its rounds are outside the
        configured band, or it is a ``$2x$`` / non-canonical bcrypt hash or a PBKDF2 hash with a salt under 16 bytes."""
        name = self._scheme_of(hash, scheme)
        # A deprecated scheme's hash is due without being parsed, as in passlib.
        return name in self._deprecated or self._records[name].needs_rehash(hash)

    def verify_and_update(self, secret: str | bytes, hash: str | bytes | None, scheme: str | None = None,
                          category: str | None = None, **kwds: object) -> tuple[bool, str | None]:
        """``(valid, new_hash)``: ``new_hash`` (the default scheme) only when valid and the hash needs an update."""
        _no_call_settings(kwds, "verify_and_update")
        if hash is None:
            self.dummy_verify()
            return False, None
        if not self.verify(secret, hash, scheme):
            return False, None
        if self.needs_update(hash, scheme):
            return True, self.hash(secret)
        return True, None

    def dummy_verify(self, elapsed: float = 0) -> bool:
        """Spend about one verification's time with the default scheme and return False (for unknown users)."""
        record = self._records[self._default]
        if self._dummy_hash is None:
            self._dummy_hash = record.hash(_DUMMY_SECRET)
        record.verify(_DUMMY_SECRET + "x", self._dummy_hash)
        return False


def _no_handlers(resolve: bool) -> None:
    if resolve:
        raise InvalidPolicyError("resolve=True returns passlib handler classes, which core does not have")


def _no_call_settings(kwds: dict[str, object], method: str) -> None:
    if kwds:
        raise InvalidPolicyError(f"{method}() takes no settings ({', '.join(kwds)}); configure them with "
                                 "CryptContext(...) or .using(...)")
