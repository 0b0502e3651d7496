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


_SETTING_LIST = ("rounds, default_rounds, min_rounds, min_desired_rounds, max_rounds, max_desired_rounds, salt_size, "
                 "ident")
_SUPPORTED = "pbkdf2_sha256, bcrypt, django_pbkdf2_sha256"


@pytest.mark.parametrize(
    ("kwds", "message"),
    [
        ({}, f"CryptContext needs at least one scheme; supported: {_SUPPORTED}"),
        ({"schemes": None}, f"CryptContext needs at least one scheme; supported: {_SUPPORTED}"),
        ({"schemes": " , "}, f"CryptContext needs at least one scheme; supported: {_SUPPORTED}"),
        ({"schemes": ["argon2", "bcrypt", "md5_crypt"]},
         f"unsupported scheme(s) 'argon2', 'md5_crypt': core.passwords.CryptContext supports {_SUPPORTED}"),
        ({"schemes": ["bcrypt", "bcrypt"]}, "a scheme is listed twice in ['bcrypt', 'bcrypt']"),
        ({"schemes": [1]}, "schemes must be a list of scheme names or one comma-separated str, not [1]"),
        ({"schemes": b"bcrypt"}, "schemes must be a list of scheme names or one comma-separated str, not b'bcrypt'"),
        ({"schemes": {"bcrypt": 1}},
         "schemes must be a list of scheme names or one comma-separated str, not {'bcrypt': 1}"),
        ({"schemes": 5}, "schemes must be a list of scheme names or one comma-separated str, not 5"),
        ({"schemes": ["bcrypt"], "deprecated": 5},
         "deprecated must be a list of scheme names or one comma-separated str, not 5"),
        ({"schemes": ["bcrypt"], "deprecated": None},
         'deprecated must be "auto" or a list of scheme names, not None'),
        ({"schemes": ["bcrypt"], "deprecated": ["pbkdf2_sha256", "django_pbkdf2_sha256"]},
         "deprecated scheme(s) 'pbkdf2_sha256', 'django_pbkdf2_sha256' not in schemes ['bcrypt']"),
        ({"schemes": ["bcrypt"], "default": "pbkdf2_sha256"},
         "default scheme 'pbkdf2_sha256' is not in schemes ['bcrypt']"),
        ({"schemes": ["bcrypt", "pbkdf2_sha256"], "default": "bcrypt", "deprecated": ["bcrypt"]},
         "the default scheme cannot be deprecated"),
        ({"schemes": ["bcrypt"], "deprecated": ["bcrypt"]}, "at least one scheme must not be deprecated"),
        ({"schemes": ["bcrypt"], "foo": 1},
         "unsupported CryptContext keyword 'foo': core offers schemes, default, deprecated and "
         f"<scheme>__<setting> with a setting among {_SETTING_LIST} (no categories, no all__)"),
        ({"schemes": ["bcrypt"], "bcrypt__": 1},
         "unsupported CryptContext keyword 'bcrypt__': core offers schemes, default, deprecated and "
         f"<scheme>__<setting> with a setting among {_SETTING_LIST} (no categories, no all__)"),
        ({"schemes": ["bcrypt"], "admin__bcrypt__rounds": 5},
         "unsupported CryptContext keyword 'admin__bcrypt__rounds': core offers schemes, default, deprecated and "
         f"<scheme>__<setting> with a setting among {_SETTING_LIST} (no categories, no all__)"),
        ({"schemes": ["bcrypt"], "bcrypt__foo": 1},
         f"unsupported CryptContext keyword 'bcrypt__foo': schemes {_SUPPORTED}, settings {_SETTING_LIST}"),
        ({"schemes": ["bcrypt"], "argon2__rounds": 1},
         f"unsupported CryptContext keyword 'argon2__rounds': schemes {_SUPPORTED}, settings {_SETTING_LIST}"),
        ({"schemes": ["bcrypt"], "pbkdf2_sha256__foo": 1},
         f"unsupported CryptContext keyword 'pbkdf2_sha256__foo': schemes {_SUPPORTED}, settings {_SETTING_LIST}"),
        ({"schemes": ["bcrypt"], "bcrypt__rounds": "twelve"}, "bcrypt__rounds must be an int, not 'twelve'"),
        ({"schemes": ["bcrypt"], "bcrypt__min_rounds": True}, "bcrypt__min_rounds must be an int, not True"),
        ({"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__max_desired_rounds": 1.5},
         "pbkdf2_sha256__max_rounds must be an int, not 1.5"),
        ({"schemes": ["bcrypt"], "bcrypt__ident": "2x"},
         "bcrypt__ident must be 2a, 2b or 2y, not '2x' (core never writes $2$ or $2x$)"),
        ({"schemes": ["bcrypt"], "bcrypt__ident": "X2bX"},
         "bcrypt__ident must be 2a, 2b or 2y, not 'X2bX' (core never writes $2$ or $2x$)"),
        ({"schemes": ["bcrypt"], "bcrypt__ident": 2},
         "bcrypt__ident must be 2a, 2b or 2y, not 2 (core never writes $2$ or $2x$)"),
        ({"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__ident": "2b"},
         "pbkdf2_sha256 has no ident setting (bcrypt__ident is bcrypt's)"),
        ({"schemes": ["bcrypt"], "bcrypt__salt_size": 16},
         "bcrypt__salt_size is not a setting (bcrypt: always 16 bytes; Django: 22 characters, 128 bits)"),
        ({"schemes": ["django_pbkdf2_sha256"], "django_pbkdf2_sha256__salt_size": 22},
         "django_pbkdf2_sha256__salt_size is not a setting (bcrypt: always 16 bytes; Django: 22 characters, "
         "128 bits)"),
        ({"schemes": ["pbkdf2_sha256"], "pbkdf2_sha256__min_rounds": 5, "pbkdf2_sha256__min_desired_rounds": 6},
         "pbkdf2_sha256: min_rounds/min_desired_rounds and max_rounds/max_desired_rounds are aliases; give one of "
         "each"),
        ({"schemes": ["bcrypt"], "bcrypt__max_rounds": 5, "bcrypt__max_desired_rounds": 6},
         "bcrypt: min_rounds/min_desired_rounds and max_rounds/max_desired_rounds are aliases; give one of each"),
    ],
)
def test_configuration_error_messages(kwds: dict[str, object], message: str) -> None:
    """Each configuration error raises InvalidPolicyError with the message naming the offending keyword or value."""
    with pytest.raises(InvalidPolicyError) as info:
        CryptContext(**kwds)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_scheme_lists_in_every_spelling() -> None:
    """schemes and deprecated take a comma-separated str (blanks and empty items skipped) or any iterable of str."""
    assert CryptContext(schemes=" bcrypt , ,pbkdf2_sha256, ", **LOW).schemes() == ("bcrypt", "pbkdf2_sha256")
    assert CryptContext(schemes=(name for name in ALL), **LOW).schemes() == tuple(ALL)
    context = CryptContext(schemes=ALL, deprecated=" bcrypt, django_pbkdf2_sha256 ", **LOW)
    assert (context.needs_update(BCRYPT), context.needs_update(DJANGO), context.needs_update(PBKDF2)) == (
        True, True, False)
    assert repr(context).endswith("deprecated=['bcrypt', 'django_pbkdf2_sha256']>")


def test_integer_settings_accept_decimal_strings() -> None:
    """Settings from configuration files are strings: decimal text (surrounding blanks allowed) reads as an int."""
    policy = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=" 1500 ",
                          pbkdf2_sha256__salt_size="24").policy()
    assert (policy.rounds, policy.min_rounds, policy.max_rounds, policy.salt_size) == (1500, 1500, 1500, 24)
    assert CryptContext(schemes=["bcrypt"], bcrypt__rounds="5").policy().rounds == 5


def test_unset_band_and_defaults() -> None:
    """Without settings: the scheme's default rounds, no band (min 1, max None), 16-byte salts, ident 2b; a setting
    given as None counts as unset; a band that contains the default leaves it alone."""
    for name, rounds in (("pbkdf2_sha256", 600_000), ("bcrypt", 12), ("django_pbkdf2_sha256", 600_000)):
        policy = CryptContext(schemes=[name]).policy()
        assert (policy.rounds, policy.min_rounds, policy.max_rounds, policy.salt_size) == (rounds, 1, None, 16)
        assert policy.bcrypt_ident == "2b"
    policy = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__rounds=None,
                          pbkdf2_sha256__min_rounds=None).policy()
    assert (policy.rounds, policy.min_rounds, policy.max_rounds) == (600_000, 1, None)
    inside = CryptContext(schemes=["bcrypt"], bcrypt__min_rounds=10, bcrypt__max_rounds=14).policy()
    assert (inside.rounds, inside.min_rounds, inside.max_rounds) == (12, 10, 14)
    low = CryptContext(schemes=["bcrypt"], bcrypt__max_rounds=5).policy()
    assert (low.rounds, low.min_rounds, low.max_rounds) == (5, 1, 5)
    high = CryptContext(schemes=["pbkdf2_sha256"], pbkdf2_sha256__min_rounds=700_000).policy()
    assert (high.rounds, high.min_rounds, high.max_rounds) == (700_000, 700_000, None)
    default = CryptContext(schemes=["bcrypt"], bcrypt__default_rounds=6, bcrypt__max_rounds=9).policy()
    assert (default.rounds, default.min_rounds, default.max_rounds) == (6, 1, 9)


@pytest.mark.parametrize(("ident", "label"), [("2a", "2a"), ("$2y$", "2y"), ("2b", "2b"), ("$2b", "2b")])
def test_bcrypt_ident_spellings(ident: str, label: str) -> None:
    """bcrypt__ident takes the label with or without its "$" signs; new hashes carry it."""
    context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=4, bcrypt__ident=ident)
    assert context.policy().bcrypt_ident == label
    assert context.hash("pw").startswith(f"${label}$04$")


def test_auto_deprecates_every_scheme_but_the_default() -> None:
    """deprecated="auto" marks each listed scheme other than the default, the first one when no default is given."""
    context = CryptContext(schemes=ALL, deprecated="auto", **LOW)
    assert repr(context) == ("<CryptContext schemes=('pbkdf2_sha256', 'bcrypt', 'django_pbkdf2_sha256') "
                             "default='pbkdf2_sha256' deprecated=['bcrypt', 'django_pbkdf2_sha256']>")
    assert not context.needs_update(PBKDF2)
    assert context.needs_update(BCRYPT)
    plain = CryptContext(schemes=ALL, **LOW)
    assert repr(plain).endswith("default='pbkdf2_sha256' deprecated=[]>")


def test_copy_keeps_deprecated_and_an_explicit_default() -> None:
    """copy() without arguments rebuilds the same configuration: schemes, default, deprecated and settings."""
    base = CryptContext(schemes=ALL, default="bcrypt", deprecated=["django_pbkdf2_sha256"], **LOW)
    same = base.copy()
    assert repr(same) == repr(base)
    assert same.policy("bcrypt").rounds == 4
    assert same.needs_update(DJANGO)
    auto = CryptContext(schemes=ALL, deprecated="auto", **LOW).copy(default="bcrypt")
    assert repr(auto).endswith("default='bcrypt' deprecated=['django_pbkdf2_sha256', 'pbkdf2_sha256']>")


def test_policy_of_a_scheme_and_of_an_unconfigured_one() -> None:
    """policy(name) is that scheme's PasswordHasher; an unconfigured name raises InvalidPolicyError naming both."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], **LOW)
    assert context.policy().scheme == "bcrypt"
    assert context.policy("pbkdf2_sha256").scheme == "pbkdf2-sha256"
    assert context.policy("pbkdf2_sha256").rounds == 1000
    with pytest.raises(InvalidPolicyError) as info:
        context.policy("django_pbkdf2_sha256")
    assert str(info.value) == ("scheme 'django_pbkdf2_sha256' is not configured in this CryptContext "
                               "(bcrypt, pbkdf2_sha256)")


def test_identify_results_and_errors() -> None:
    """identify gives the configured scheme of str or bytes hashes, None for others, UnknownHashError with
    required=True, MalformedHashError for non-text."""
    context = CryptContext(schemes=["bcrypt", "django_pbkdf2_sha256"], **LOW)
    assert context.identify(BCRYPT) == "bcrypt"
    assert context.identify(BCRYPT.encode()) == "bcrypt"
    assert context.identify(DJANGO.encode()) == "django_pbkdf2_sha256"
    assert context.identify("$2x$04$" + BCRYPT[7:]) == "bcrypt"
    assert context.identify(PBKDF2) is None
    assert context.identify(b"\xff\xfe") is None
    assert context.identify(PBKDF2, required=False) is None
    with pytest.raises(UnknownHashError) as info:
        context.identify(PBKDF2, required=True)
    assert str(info.value) == "hash could not be identified"
    assert context.identify(BCRYPT, required=True) == "bcrypt"
    with pytest.raises(MalformedHashError) as malformed:
        context.identify(12)  # type: ignore[arg-type]
    assert str(malformed.value) == "a stored hash is str or bytes, not int"


def test_scheme_argument_of_verify_and_needs_update() -> None:
    """scheme= must be configured (InvalidPolicyError) and be the hash's scheme (UnknownHashError saying so)."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], **LOW)
    assert context.verify("password", PBKDF2, scheme="pbkdf2_sha256")
    assert not context.needs_update(PBKDF2, scheme="pbkdf2_sha256")
    for call in (lambda: context.verify("password", PBKDF2, scheme="bcrypt"),
                 lambda: context.needs_update(PBKDF2, scheme="bcrypt"),
                 lambda: context.verify_and_update("password", PBKDF2, scheme="bcrypt")):
        with pytest.raises(UnknownHashError) as info:
            call()
        assert str(info.value) == "the hash is not a bcrypt hash"
    with pytest.raises(InvalidPolicyError, match=r"^scheme 'django_pbkdf2_sha256' is not configured"):
        context.verify("password", PBKDF2, scheme="django_pbkdf2_sha256")
    with pytest.raises(UnknownHashError) as unknown:
        context.verify("password", DJANGO)
    assert str(unknown.value) == "hash could not be identified"
    with pytest.raises(UnknownHashError, match=r"^hash could not be identified$"):
        context.needs_update(DJANGO)


def test_hash_with_a_named_scheme() -> None:
    """hash(secret, scheme=...) hashes with that configured scheme's settings instead of the default."""
    context = CryptContext(schemes=["pbkdf2_sha256", "bcrypt"], **LOW)
    made = context.hash("pw", scheme="bcrypt")
    assert made.startswith("$2b$04$")
    assert context.verify("pw", made)
    assert context.hash("pw").startswith("$pbkdf2-sha256$1000$")


@pytest.mark.parametrize("method", ["hash", "verify", "verify_and_update"])
def test_call_time_settings_are_refused(method: str) -> None:
    """hash/verify/verify_and_update refuse passlib's per-call settings with a message pointing to using()."""
    context = CryptContext(schemes=["pbkdf2_sha256"], **LOW)
    args = ("pw",) if method == "hash" else ("pw", PBKDF2)
    with pytest.raises(InvalidPolicyError) as info:
        getattr(context, method)(*args, rounds=5, salt="x")
    assert str(info.value) == (f"{method}() takes no settings (rounds, salt); configure them with "
                               "CryptContext(...) or .using(...)")


def test_needs_update_takes_a_secret_and_ignores_it() -> None:
    """needs_update(hash, secret=...) answers from the hash alone, as passlib does for these schemes."""
    context = CryptContext(schemes=["pbkdf2_sha256"], **LOW)
    assert not context.needs_update(PBKDF2, secret="wrong")
    assert context.needs_update(PBKDF2.replace("$1000$", "$1$", 1), secret="password")


def test_verify_and_update_results() -> None:
    """(False, None) for a wrong password, (True, None) for a current hash, (True, new default-scheme hash) for an
    outdated one; the new hash verifies and is current."""
    context = CryptContext(schemes=["pbkdf2_sha256", "bcrypt"], deprecated="auto", **LOW)
    assert context.verify_and_update("wrong", PBKDF2) == (False, None)
    assert context.verify_and_update("password", PBKDF2) == (True, None)
    valid, new = context.verify_and_update("password", BCRYPT)
    assert valid is True
    assert new is not None
    assert new.startswith("$pbkdf2-sha256$1000$")
    assert context.verify("password", new)
    assert not context.needs_update(new)
    assert context.verify_and_update("password", BCRYPT, scheme="bcrypt")[0] is True
    assert context.verify_and_update(b"wrong", BCRYPT) == (False, None)


def test_missing_hash_spends_a_dummy_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    """verify and verify_and_update with hash=None run one dummy verification with the default scheme (timing
    parity for unknown users) and report a failure; the dummy hash is made once."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], **LOW)
    calls: list[tuple[str, str]] = []
    real_verify = type(context.policy()).verify

    def spy(self: object, secret: str, hashed: str) -> bool:
        calls.append((secret, hashed))
        return real_verify(self, secret, hashed)  # type: ignore[arg-type]

    monkeypatch.setattr(type(context.policy()), "verify", spy)
    assert context.verify("pw", None) is False
    assert context.verify_and_update("pw", None) == (False, None)
    assert context.dummy_verify() is False
    assert len(calls) == 3
    assert {hashed for _, hashed in calls} == {calls[0][1]}
    assert calls[0][1].startswith("$2b$04$")
    assert all(secret != "too many secrets" for secret, _ in calls)
    assert context.verify("too many secrets", calls[0][1])


def test_verify_and_update_checks_the_scheme_before_the_password() -> None:
    """verify_and_update(scheme=...) with a hash of another scheme raises UnknownHashError even for a wrong
    password (the scheme check comes first, as in verify)."""
    context = CryptContext(schemes=["bcrypt", "pbkdf2_sha256"], **LOW)
    with pytest.raises(UnknownHashError, match=r"^the hash is not a bcrypt hash$"):
        context.verify_and_update("wrong", PBKDF2, scheme="bcrypt")
    assert context.verify_and_update("wrong", PBKDF2, scheme="pbkdf2_sha256") == (False, None)


def test_resolve_refusal_message() -> None:
    """resolve=True is refused with a message saying core has no passlib handler classes."""
    with pytest.raises(InvalidPolicyError) as info:
        CryptContext(schemes=["bcrypt"]).schemes(resolve=True)
    assert str(info.value) == "resolve=True returns passlib handler classes, which core does not have"
