"""CryptContext: passlib's configuration keywords, default and deprecated schemes, and its method results."""

from __future__ import annotations

import os

import pytest

from core.passwords import CryptContext, InvalidPolicyError, MalformedHashError, UnknownHashError

# passlib's documented example (facts: "password", 16 zero bytes of salt, 1000 rounds).
PBKDF2 = "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ"
# bcrypt of "password" at cost 4 (pyca/bcrypt 4.3.0; compat_tests re-check it).
BCRYPT = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm"
# Django's pbkdf2_sha256 of "secret", salt "seasalt", 1200 iterations (hashlib, CPython 3.11)
DJANGO = "pbkdf2_sha256$1200$seasalt$EBBBjacyU2e+ThuL8G67NCG1tcIxYu5i+Dl5HlJJ3mM="
LOW = {"pbkdf2_sha256__rounds": 1000, "bcrypt__rounds": 4, "django_pbkdf2_sha256__rounds": 1200}
ALL = ["pbkdf2_sha256", "bcrypt", "django_pbkdf2_sha256"]


def test_rounds_sets_default_min_and_max() -> None:
    """``<scheme>__rounds`` fixes default, min and max rounds at once (passlib's alias rule)."""
    policy = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=1000).policy()
    assert (policy.rounds, policy.min_rounds, policy.max_rounds) == (1000, 1000, 1000)
    context = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=999)
    assert context.needs_update(PBKDF2)  # above max
    assert CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=1001).needs_update(PBKDF2)  # below min
    assert not CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=1000).needs_update(PBKDF2)


def test_band_keywords_and_their_aliases() -> None:
    """default_rounds, min_rounds/min_desired_rounds and max_rounds/max_desired_rounds configure the band; the
    default moves into the band when not given; no min configured means no rounds check; salt_size sizes salts."""
    policy = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__default_rounds="2000",
                          pbkdf2_sha256__min_desired_rounds=1500, pbkdf2_sha256__max_desired_rounds=3000).policy()
    assert (policy.rounds, policy.min_rounds, policy.max_rounds) == (2000, 1500, 3000)
    assert CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__max_rounds=5000).policy().rounds == 5000
    assert CryptContext(schemes=["bcrypt"], bcrypt__min_rounds=13).policy().rounds == 13
    salted = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__salt_size=32, pbkdf2_sha256__rounds=1000)
    assert len(salted.hash("x").split("$")[3]) == 43  # 32 bytes of salt in ab64
    assert not CryptContext(schemes=["pbkdf2_sha256"]).needs_update(PBKDF2)
    assert CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__min_rounds=1001).needs_update(PBKDF2)


def test_default_scheme_and_deprecated_sets() -> None:
    """The default is ``default=`` or the first non-deprecated scheme; "auto" deprecates every other scheme."""
    assert CryptContext(schemes=ALL, **LOW).default_scheme() == "pbkdf2_sha256"
    assert CryptContext(schemes=ALL, deprecated=["pbkdf2_sha256"], **LOW).default_scheme() == "bcrypt"
    auto = CryptContext(schemes=ALL, default="bcrypt", deprecated="auto", **LOW)
    assert auto.default_scheme() == "bcrypt"
    assert auto.needs_update(PBKDF2)
    assert auto.needs_update(DJANGO)
    assert not auto.needs_update(BCRYPT)
    assert not CryptContext(schemes=ALL, **LOW).needs_update(DJANGO)
    assert CryptContext(schemes="bcrypt, pbkdf2_sha256", deprecated="pbkdf2_sha256", **LOW).needs_update(PBKDF2)


def test_deprecated_hashes_are_due_without_being_parsed() -> None:
    """A deprecated scheme's hash needs an update even when malformed, as in passlib; verify still parses it."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], deprecated="auto", **LOW)
    assert context.needs_update("$pbkdf2-sha256$x")
    with pytest.raises(MalformedHashError):
        context.verify("password", "$pbkdf2-sha256$x")


def test_identify_among_the_configured_schemes() -> None:
    """identify names the configured scheme by prefix, None otherwise (or UnknownHashError with required=True)."""
    context = CryptContext(schemes=["pbkdf2_sha256", "django_pbkdf2_sha256"], **LOW)
    assert context.identify(PBKDF2) == "pbkdf2_sha256"
    assert context.identify(DJANGO.encode()) == "django_pbkdf2_sha256"
    assert context.identify(BCRYPT) is None
    assert context.identify("$pbkdf2-sha256$é") == "pbkdf2_sha256"  # by prefix, as passlib
    with pytest.raises(UnknownHashError):
        context.identify(BCRYPT, required=True)
    with pytest.raises(MalformedHashError):
        context.identify(42)  # type: ignore[arg-type]


def test_verify_results() -> None:
    """verify: True/False for a configured scheme, False for None, UnknownHashError for unconfigured schemes."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256", "django_pbkdf2_sha256"], **LOW)
    assert context.verify("password", BCRYPT)
    assert context.verify(b"password", PBKDF2)
    assert context.verify("secret", DJANGO)
    assert not context.verify("Password", PBKDF2)
    assert context.verify("password", None) is False
    with pytest.raises(UnknownHashError):
        CryptContext(schemes=["pbkdf2_sha256"]).verify("password", BCRYPT)
    with pytest.raises(UnknownHashError):
        context.verify("password", PBKDF2, scheme="bcrypt")
    assert context.verify("password", PBKDF2, scheme="pbkdf2_sha256", category="admin")


def test_hash_uses_the_default_scheme() -> None:
    """hash makes the default scheme's hash with its rounds; ``scheme=`` picks another configured one."""
    context = CryptContext(schemes=["django_pbkdf2_sha256", "pbkdf2_sha256"], **LOW)
    made = context.hash("lètmein")
    assert made.startswith("pbkdf2_sha256$1200$")
    assert context.verify("lètmein", made)
    assert context.hash("x", scheme="pbkdf2_sha256").startswith("$pbkdf2-sha256$1000$")
    with pytest.raises(InvalidPolicyError):
        context.hash("x", scheme="bcrypt")
    with pytest.raises(InvalidPolicyError, match="using"):
        context.hash("x", rounds=5)


def test_bcrypt_ident_and_default_bcrypt_hashes() -> None:
    """bcrypt__ident sets the label of new bcrypt hashes ("2y" or "$2y$"); bcrypt is cost 12 unless configured."""
    assert CryptContext(schemes=["bcrypt"], bcrypt__rounds=4, bcrypt__ident="$2y$").hash("x").startswith("$2y$04$")
    assert CryptContext(schemes=["bcrypt"]).policy().rounds == 12


def test_verify_and_update_moves_deprecated_hashes_to_the_default() -> None:
    """A correct password on a deprecated or out-of-band hash returns a default-scheme hash; else None."""
    context = CryptContext(schemes=["pbkdf2_sha256", "django_pbkdf2_sha256"], deprecated="auto", **LOW)
    valid, new = context.verify_and_update("secret", DJANGO)
    assert valid
    assert new is not None
    assert new.startswith("$pbkdf2-sha256$1000$")
    assert context.verify_and_update("password", PBKDF2) == (True, None)
    assert context.verify_and_update("wrong", DJANGO) == (False, None)
    assert context.verify_and_update("secret", None) == (False, None)


def test_copy_and_using_merge_settings() -> None:
    """copy/using replace the given settings and keep the rest; an implicit default follows a new scheme list."""
    base = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], deprecated="auto", **LOW)
    moved = base.using(default="pbkdf2_sha256")
    assert moved.default_scheme() == "pbkdf2_sha256"
    assert moved.needs_update(BCRYPT)
    assert not moved.needs_update(PBKDF2)
    narrowed = base.copy(schemes=["pbkdf2_sha256"])
    assert narrowed.schemes() == ("pbkdf2_sha256",)
    assert narrowed.policy().rounds == 1000
    assert base.schemes() == ("bcrypt", "pbkdf2_sha256")
    with pytest.raises(InvalidPolicyError):
        CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], default="bcrypt").copy(schemes=["pbkdf2_sha256"])


@pytest.mark.parametrize(
    "kwds",
    [
        {"schemes": ["md5_crypt"]},
        {"schemes": []},
        {},
        {"schemes": ["bcrypt", "bcrypt"]},
        {"schemes": [object()]},
        {"schemes": ["bcrypt"], "default": "pbkdf2_sha256"},
        {"schemes": ["bcrypt"], "deprecated": ["pbkdf2_sha256"]},
        {"schemes": ["bcrypt"], "deprecated": ["bcrypt"]},
        {"schemes": ["bcrypt", "pbkdf2_sha256"], "deprecated": ["bcrypt", "pbkdf2_sha256"]},
        {"schemes": ["bcrypt"], "deprecated": None},
        {"schemes": ["bcrypt"], "foo": 1},
        {"schemes": ["bcrypt"], "bcrypt__foo": 1},
        {"schemes": ["bcrypt"], "argon2__rounds": 3},
        {"schemes": ["bcrypt"], "admin__bcrypt__rounds": 5},
        {"schemes": ["bcrypt"], "all__rounds": 5},
        {"schemes": ["bcrypt"], "bcrypt__ident": "2x"},
        {"schemes": ["bcrypt"], "bcrypt__salt_size": 16},
        {"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__ident": "2b"},
        {"schemes": ["bcrypt"], "bcrypt__rounds": 3},
        {"schemes": ["bcrypt"], "bcrypt__rounds": "twelve"},
        {"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__salt_size": 8},
        {"schemes": ["django_pbkdf2_sha256"], "django_pbkdf2_sha256__salt_size": 22},
        {"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__min_rounds": 5, "pbkdf2_sha256__min_desired_rounds": 6},
        {"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__default_rounds": 1000, "pbkdf2_sha256__min_rounds": 2000},
    ],
)
def test_configuration_errors(kwds: dict[str, object]) -> None:
    """Unsupported schemes or keywords and inconsistent settings raise InvalidPolicyError (a ValueError) at once."""
    with pytest.raises(InvalidPolicyError) as info:
        CryptContext(**kwds)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_unsupported_scheme_error_names_the_supported_ones() -> None:
    """The error for an unsupported scheme names it and lists the three supported schemes."""
    with pytest.raises(InvalidPolicyError, match=r"'argon2'.*pbkdf2_sha256, bcrypt, django_pbkdf2_sha256"):
        CryptContext(schemes=["argon2"])


def test_settings_of_unlisted_supported_schemes_are_ignored() -> None:
    """A setting for a supported scheme the context does not list is ignored, as in passlib."""
    assert CryptContext(schemes=["bcrypt"], pbkdf2_sha256__rounds=1000).schemes() == ("bcrypt",)


def test_resolve_is_refused() -> None:
    """resolve=True (passlib's handler classes) raises InvalidPolicyError from identify, schemes and default_scheme."""
    context = CryptContext(schemes=["pbkdf2_sha256"])
    for call in (lambda: context.identify(PBKDF2, resolve=True), lambda: context.schemes(resolve=True),
                 lambda: context.default_scheme(resolve=True)):
        with pytest.raises(InvalidPolicyError):
            call()


def test_construction_draws_no_randomness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a context draws no random bytes (module-level contexts run at import, which Workers snapshots);
    the dummy hash is made on the first dummy_verify."""

    def refuse(size: int) -> bytes:
        raise AssertionError("os.urandom called")

    monkeypatch.setattr(os, "urandom", refuse)
    context = CryptContext(schemes=["pbkdf2_sha256", "bcrypt"], deprecated="auto", **LOW)
    monkeypatch.undo()
    assert context.dummy_verify() is False
    assert context.dummy_verify() is False


def test_repr_names_the_configuration() -> None:
    """The repr shows the schemes, the default and the deprecated set."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], deprecated="auto", **LOW)
    assert repr(context) == "<CryptContext schemes=('bcrypt', 'pbkdf2_sha256') default='bcrypt' " \
                            "deprecated=['pbkdf2_sha256']>"
