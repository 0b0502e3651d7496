"""core.passwords.CryptContext beside passlib 1.7.4's CryptContext, configured alike (a generated matrix).

For each generated configuration pair (one context makes the hashes, one checks them: schemes lists, default
schemes, deprecated sets, rounds keywords) and password (non-ASCII and NUL included), core's and passlib's
contexts each verify the other's hashes, and ``identify``, ``needs_update``, ``verify_and_update``'s decision and
``verify`` give the same answers. Rounds stay low (PBKDF2 1,000-1,200, bcrypt cost 4-5) so the file takes seconds.
"""

from __future__ import annotations

import warnings
from typing import Any

import bcrypt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    # passlib 1.7.4 imports the deprecated `crypt` module on 3.11+ (a DeprecationWarning, an error under our pytest).
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib import exc as passlib_exc
    from passlib.context import CryptContext as PasslibContext

from core.passwords import CryptContext, InvalidPolicyError, UnknownHashError

NAMES = ("pbkdf2_sha256", "bcrypt", "django_pbkdf2_sha256")
BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """CryptContext keywords both libraries accept with the same meaning."""
    schemes = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    kwds: dict[str, Any] = {"schemes": schemes}
    default = draw(st.sampled_from([None, *schemes]))
    if default is not None:
        kwds["default"] = default
    effective_default = default or schemes[0]
    others = [name for name in schemes if name != effective_default]
    deprecated = draw(st.one_of(st.just("auto"), st.lists(st.sampled_from(others), unique=True) if others
                                else st.just([])))
    if deprecated:
        kwds["deprecated"] = deprecated
    for name in schemes:
        low, high = (4, 5) if name == "bcrypt" else (1000, 1200)
        form = draw(st.sampled_from(["rounds", "default_rounds", "band", "min"]))
        rounds = draw(st.integers(low, high))
        if form == "band":
            kwds[f"{name}__default_rounds"] = rounds
            kwds[f"{name}__min_rounds"] = draw(st.integers(low, rounds))
            kwds[f"{name}__max_rounds"] = draw(st.integers(rounds, high))
        elif form == "min":
            kwds[f"{name}__default_rounds"] = rounds
            kwds[f"{name}__min_rounds"] = draw(st.integers(low, rounds))
        else:
            kwds[f"{name}__{form}"] = rounds
    if "bcrypt" in schemes and draw(st.booleans()):
        kwds["bcrypt__ident"] = draw(st.sampled_from(["2a", "2b", "2y"]))
    return kwds


def passlib_context(kwds: dict[str, Any]) -> PasslibContext:
    """passlib's context for the same keywords (its "auto" default deprecation needs the keyword spelled alike)."""
    return PasslibContext(**kwds)


passwords = st.one_of(st.text(max_size=24), st.text(alphabet="aé\x00✓🔑", max_size=8))


def _bcrypt_nul(hashed: str, password: str) -> bool:
    # passlib refuses NUL in bcrypt passwords (PasswordValueError); core, like pyca/bcrypt, hashes them: a pinned
    # deviation (test_passwords_passlib.py::test_nul_in_bcrypt_password_beside_passlib).
    return hashed.startswith("$2") and "\x00" in password


@BOUNDED
@given(maker=configs(), checker=configs(), password=passwords)
@example(maker={"schemes": ["bcrypt"], "bcrypt__rounds": 4}, checker={"schemes": ["bcrypt", "pbkdf2_sha256"],
         "default": "pbkdf2_sha256", "deprecated": "auto", "pbkdf2_sha256__rounds": 1000, "bcrypt__rounds": 4},
         password="pässwörd")
@example(maker={"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__rounds": 1000},
         checker={"schemes": ["pbkdf2_sha256", "django_pbkdf2_sha256"], "deprecated": ["django_pbkdf2_sha256"],
                  "pbkdf2_sha256__min_rounds": 1100, "pbkdf2_sha256__default_rounds": 1150,
                  "django_pbkdf2_sha256__rounds": 1000},
         password="a\x00b")
def test_contexts_agree(maker: dict[str, Any], checker: dict[str, Any], password: str) -> None:
    """Hashes made by either library under one configuration get the same identify / verify / needs_update /
    verify_and_update answers from both libraries under another."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # passlib's bcrypt backend reads bcrypt.__about__ (a warning with 4.x)
        made_by_core = CryptContext(**maker).hash(password)
        if _bcrypt_nul(made_by_core, password):
            with pytest.raises(passlib_exc.PasswordValueError):
                passlib_context(maker).hash(password)
            return
        hashes = [made_by_core, passlib_context(maker).hash(password)]
        core_checker, passlib_checker = CryptContext(**checker), passlib_context(checker)
        for hashed in hashes:
            name = core_checker.identify(hashed)
            assert name == passlib_checker.identify(hashed)
            if name is None:
                with pytest.raises(UnknownHashError):
                    core_checker.verify(password, hashed)
                with pytest.raises(ValueError, match="could not be identified"):
                    passlib_checker.verify(password, hashed)
                continue
            assert core_checker.verify(password, hashed) is passlib_checker.verify(password, hashed) is True
            wrong = "x" + password  # a prefix: an appended byte is ignored past bcrypt's 72
            assert core_checker.verify(wrong, hashed) is passlib_checker.verify(wrong, hashed) is False
            assert core_checker.needs_update(hashed) is passlib_checker.needs_update(hashed)
            if passlib_checker.default_scheme() == "bcrypt" and "\x00" in password:
                continue  # passlib cannot make the bcrypt replacement of a NUL-holding password (see above)
            core_valid, core_new = core_checker.verify_and_update(password, hashed)
            passlib_valid, passlib_new = passlib_checker.verify_and_update(password, hashed)
            assert (core_valid, core_new is None) == (passlib_valid, passlib_new is None)
            if core_new is not None and passlib_new is not None:
                # the replacement is the default scheme's, and each library verifies the other's
                assert core_checker.identify(core_new) == passlib_checker.identify(passlib_new)
                assert core_checker.identify(core_new) == passlib_checker.default_scheme()
                assert passlib_checker.verify(password, core_new)
                assert core_checker.verify(password, passlib_new)
        assert core_checker.schemes() == passlib_checker.schemes()
        assert core_checker.default_scheme() == passlib_checker.default_scheme()


def test_typical_fastapi_context_beside_passlib() -> None:
    """``CryptContext(schemes=["bcrypt"], deprecated="auto")``: both verify a native-bcrypt users table, neither asks
    for an update, and core's new hashes are $2b$ at cost 12 as passlib's are."""
    core_context = CryptContext(schemes=["bcrypt"], deprecated="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        passlib_ctx = PasslibContext(schemes=["bcrypt"], deprecated="auto")
        stored = bcrypt.hashpw(b"secret", bcrypt.gensalt(4)).decode()  # a users table made by the native package
        assert core_context.verify("secret", stored)
        assert passlib_ctx.verify("secret", stored)
        assert core_context.needs_update(stored) is passlib_ctx.needs_update(stored) is False
        assert passlib_ctx.default_scheme() == core_context.default_scheme() == "bcrypt"
    assert core_context.hash("x").startswith("$2b$12$")  # one cost-12 hash: ~0.35 s (native, CPython 3.11)


def test_missing_hash_beside_passlib() -> None:
    """``verify(x, None)`` is False and ``verify_and_update(x, None)`` is (False, None) in both, each after a dummy
    verification; ``dummy_verify()`` returns False in both."""
    core_context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        passlib_ctx = PasslibContext(schemes=["bcrypt"], bcrypt__rounds=4)
        assert core_context.verify("secret", None) is passlib_ctx.verify("secret", None) is False
        assert core_context.verify_and_update("secret", None) == passlib_ctx.verify_and_update("secret", None)
        assert core_context.verify_and_update("secret", None) == (False, None)
        assert core_context.dummy_verify() is passlib_ctx.dummy_verify() is False


def test_default_rounds_beside_passlib() -> None:
    """With no rounds configured, passlib writes 29,000 PBKDF2 rounds and core 600,000 (OWASP 2023); bcrypt 12."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert PasslibContext(schemes=["pbkdf2_sha256"]).hash("x").startswith("$pbkdf2-sha256$29000$")
        assert PasslibContext(schemes=["django_pbkdf2_sha256"]).hash("x").startswith("pbkdf2_sha256$29000$")
    assert CryptContext(schemes=["pbkdf2_sha256"]).hash("x").startswith("$pbkdf2-sha256$600000$")
    assert CryptContext(schemes=["django_pbkdf2_sha256"]).policy().rounds == 600_000
    assert CryptContext(schemes=["bcrypt"]).policy().rounds == 12


def test_2x_beside_passlib() -> None:
    """passlib refuses a $2x$ hash ("buggy '2x' hashes are not currently supported"); core verifies it and asks for
    an update."""
    stored = "$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"  # crypt_blowfish's wrapper.c, b"\xa3"
    core_context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        passlib_ctx = PasslibContext(schemes=["bcrypt"], bcrypt__rounds=4)
        assert passlib_ctx.identify(stored) == core_context.identify(stored) == "bcrypt"
        with pytest.raises(ValueError, match="2x"):
            passlib_ctx.verify(b"\xa3", stored)
        with pytest.raises(ValueError, match="2x"):
            passlib_ctx.needs_update(stored)
    assert core_context.verify(b"\xa3", stored)
    assert core_context.needs_update(stored)
    valid, new = core_context.verify_and_update(b"\xa3", stored)
    assert valid
    assert new is not None
    assert new.startswith("$2b$04$")


@pytest.mark.parametrize(
    ("kwds", "passlib_error"),
    [
        ({"schemes": ["md5_crypt"]}, None),  # passlib knows dozens of schemes
        ({"schemes": ["pbkdf2_sha256"], "foo": 1}, KeyError),
        ({"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__foo": 1}, KeyError),
        ({"schemes": ["pbkdf2_sha256"], "default": "bcrypt"}, KeyError),
        ({"schemes": ["pbkdf2_sha256"], "deprecated": ["bcrypt"]}, KeyError),
        ({"schemes": ["pbkdf2_sha256", "bcrypt"], "deprecated": ["pbkdf2_sha256", "bcrypt"]}, ValueError),
        ({"schemes": ["pbkdf2_sha256", "bcrypt"], "default": "bcrypt", "deprecated": ["bcrypt"]}, ValueError),
        ({"schemes": ["bcrypt"], "bcrypt__ident": "2x"}, ValueError),
        ({"schemes": ["bcrypt"], "bcrypt__ident": "X2bX"}, ValueError),
        ({"schemes": ["bcrypt"], "bcrypt__rounds": 3}, None),  # passlib warns and uses 4
        ({"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__salt_size": 8}, None),
        ({"schemes": ["pbkdf2_sha256"], "admin__pbkdf2_sha256__rounds": 5}, None),  # a passlib category
        ({"schemes": ["pbkdf2_sha256"], "all__vary_rounds": 0.1}, None),
        ({"schemes": []}, None),  # passlib builds it; hash() then raises KeyError
    ],
)
def test_configuration_errors_beside_passlib(kwds: dict[str, Any], passlib_error: type[Exception] | None) -> None:
    """Configurations core refuses raise InvalidPolicyError (a ValueError) at construction; passlib raises KeyError
    or ValueError for some and accepts the others (other schemes, categories, clamped rounds, short salts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if passlib_error is None:
            PasslibContext(**kwds)
        else:
            with pytest.raises(passlib_error):
                PasslibContext(**kwds)
    with pytest.raises(InvalidPolicyError):
        CryptContext(**kwds)


def test_unsupported_scheme_error_names_the_supported_ones() -> None:
    """An unsupported scheme's error message lists pbkdf2_sha256, bcrypt and django_pbkdf2_sha256."""
    with pytest.raises(ValueError, match="supports pbkdf2_sha256, bcrypt, django_pbkdf2_sha256"):
        CryptContext(schemes=["argon2", "bcrypt"])


def test_short_pbkdf2_salt_needs_update_beside_passlib() -> None:
    """A $pbkdf2-sha256$ hash with an 8-byte salt: passlib keeps it, core's context asks for an update."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stored = PasslibContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__salt_size=8,
                                pbkdf2_sha256__rounds=1000).hash("pw")
        assert PasslibContext(schemes=["pbkdf2_sha256"]).needs_update(stored) is False
    assert CryptContext(schemes=["pbkdf2_sha256"]).needs_update(stored) is True
    assert CryptContext(schemes=["pbkdf2_sha256"]).verify("pw", stored)


@pytest.mark.parametrize(
    "band",
    [
        {"pbkdf2_sha256__max_rounds": 5000},
        {"pbkdf2_sha256__min_rounds": 500},
        {"pbkdf2_sha256__min_rounds": 500, "pbkdf2_sha256__max_rounds": 5000},
        {"pbkdf2_sha256__default_rounds": 1100, "pbkdf2_sha256__max_rounds": 5000},
    ],
)
def test_rounds_beside_explicit_band_keywords_beside_passlib(band: dict[str, int]) -> None:
    """``rounds`` fills in only the band ends and default not given explicitly: both libraries then write the same
    rounds and flag the same stored rounds."""
    kwds: dict[str, Any] = {"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__rounds": 1000, **band}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        passlib_ctx = PasslibContext(**kwds)
        made = passlib_ctx.hash("pw")
        expected = [passlib_ctx.needs_update(made.replace("$1000$", f"${r}$", 1).replace("$1100$", f"${r}$", 1))
                    for r in (499, 500, 999, 1000, 1100, 5000, 5001)]
    core_context = CryptContext(**kwds)
    assert core_context.hash("pw").split("$")[2] == made.split("$")[2]
    got = [core_context.needs_update(made.replace("$1000$", f"${r}$", 1).replace("$1100$", f"${r}$", 1))
           for r in (499, 500, 999, 1000, 1100, 5000, 5001)]
    assert got == expected
