"""One regression test per security finding against core, and one per published advisory of the libraries core
replaces (python-jose, PyJWT, passlib/bcrypt, and the password-hash advisories of Django and crypt_blowfish) that
applies to HMAC tokens or password hashes, each showing that core is not affected.

Findings of leancore's own attack runs are named ``test_finding_*``; published advisories ``test_<id>_*``, with the
advisory's identifier, affected library and versions in the docstring. The api's findings are in
tests/api/test_advisories.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from core import jwt
from core.jwt import (
    JWT,
    InvalidAlgorithmError,
    InvalidIssuerError,
    InvalidKeyError,
    MalformedTokenError,
    TokenTooLargeError,
    UnsupportedCriticalHeaderError,
)
from core.passwords import PasswordHasher, PasswordTooLongError

KEY = "s" * 64
NOW = 1_700_000_000
codec = JWT(clock=lambda: NOW)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forge(header: dict[str, object], claims: dict[str, object], secret: bytes) -> str:
    """A token signed with HMAC-SHA256 under ``secret`` whatever its header says (the attacker's tool)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.digest(secret, signing_input.encode(), hashlib.sha256)
    return f"{signing_input}.{b64(signature)}"


# -- leancore's own findings ------------------------------------------------------------------------------------


def test_finding_quadratic_header_scan_is_refused_at_the_header_cap() -> None:
    """The attack token of the outside run (33 brackets, then 5,600 backslash-quote pairs in an unclosed string:
    0.5 s of CPU per request before any signature check) is refused by the size caps, unparsed; at 8 KiB it is
    still over the 512-byte header cap."""
    token = b64(b"[" * 33 + b'"\\' * 5600) + "." + b64(b"{}") + "." + "A" * 43
    with pytest.raises(TokenTooLargeError):
        jwt.decode(token, KEY, algorithms=["HS256"])
    shorter = b64(b"[" * 33 + b'"\\' * 2800) + "." + b64(b"{}") + "." + "A" * 43
    with pytest.raises(TokenTooLargeError, match="header"):
        jwt.decode(shorter, KEY, algorithms=["HS256"])


def test_finding_nesting_check_is_linear_even_past_the_caps() -> None:
    """With both caps lifted to 4 MB, a 1.5 MB header of the same shape is still refused at once (the bracket scan
    is a fixed number of passes, not a backtracking regex), as unbalanced JSON."""
    lifted = JWT(max_token_bytes=4 << 20, max_header_bytes=4 << 20, clock=lambda: NOW)
    token = b64(b"[" * 33 + b'"\\' * 560_000) + "." + b64(b"{}") + "." + "A" * 43
    with pytest.raises(MalformedTokenError, match="unbalanced"):
        lifted.decode(token, KEY, algorithms=["HS256"])


def test_finding_repeated_names_are_found_in_one_pass() -> None:
    """A header of many members with a repeat at the end is refused as a duplicate, with no per-name count (the
    old check was quadratic in the members an anonymous caller writes)."""
    members = ",".join(f'"k{i}":1' for i in range(60))
    header = ('{"alg":"HS256","x":{},' + members + ',"k0":2}').encode()
    with pytest.raises(MalformedTokenError, match="duplicate"):
        JWT(max_header_bytes=4096).decode(b64(header) + ".e30." + "A" * 43, KEY)


# -- published advisories -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "public_key",
    [
        b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEp1 user@host",
        b"ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQ= user@host",
        b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
    ],
)
def test_cve_2024_33663_ecdsa_public_keys_are_never_hmac_secrets(public_key: bytes) -> None:
    """CVE-2024-33663 (python-jose <= 3.3.0): an ECDSA public key in OpenSSH or PEM form was accepted as an HMAC
    secret, so a token HMAC-signed with the public key verified. core refuses such a key outright."""
    forged = forge({"alg": "HS256", "typ": "JWT"}, {"sub": "admin"}, public_key)
    with pytest.raises(InvalidKeyError, match="asymmetric"):
        jwt.decode(forged, public_key, algorithms=["HS256"])


def test_cve_2024_33664_no_jwe_and_nothing_is_ever_decompressed() -> None:
    """CVE-2024-33664 (python-jose <= 3.3.0): a compressed JWE ("zip": "DEF") inflated without bound (a JWT bomb).
    core speaks compact JWS only: a five-segment JWE is refused unread, and a "zip" header is never acted on (the
    deflated payload stays bytes that are not JSON), within the size caps."""
    import zlib

    with pytest.raises(MalformedTokenError, match="3 segments, not 5"):
        jwt.decode("eyJ6aXAiOiJERUYifQ.e30.e30.e30.e30", KEY)
    bomb = zlib.compress(b'{"a":"' + b"x" * 1_000_000 + b'"}', 9)
    signing_input = b64(b'{"alg":"HS256","zip":"DEF"}') + "." + b64(bomb)
    token = f"{signing_input}.{b64(hmac.digest(KEY.encode(), signing_input.encode(), hashlib.sha256))}"
    with pytest.raises(MalformedTokenError, match="payload string"):
        jwt.decode(token, KEY, algorithms=["HS256"])


@pytest.mark.parametrize(
    "public_key",
    [
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPdHNoF1b7RYnWAXcsb6aryG4Fhb7mvHuDMlvw5jDF5J user@host",
        b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA90c2gXVvtFidYBdyxvpqvIbgWFvua8e4MyW/DmMMXkk=\n"
        b"-----END PUBLIC KEY-----",
    ],
)
def test_cve_2022_29217_ed25519_public_keys_are_never_hmac_secrets(public_key: bytes) -> None:
    """CVE-2022-29217 (PyJWT < 2.4.0): with every algorithm allowed, an Ed25519 public key (SSH or PEM) passed as
    the verification key became an HMAC secret and forged tokens verified. core refuses the key, and refuses any
    non-HMAC algorithm whatever the allow-list."""
    forged = forge({"alg": "HS256"}, {"sub": "admin"}, public_key)
    with pytest.raises(InvalidKeyError):
        jwt.decode(forged, public_key, algorithms=["HS256", "EdDSA"])
    with pytest.raises(InvalidAlgorithmError):
        jwt.decode(forge({"alg": "EdDSA"}, {}, b"x" * 32), KEY, algorithms=["EdDSA"])


def test_cve_2017_11424_pem_public_keys_are_never_hmac_secrets() -> None:
    """CVE-2017-11424 (PyJWT < 1.5.1): an RSA public key in PKCS#1 PEM form ("BEGIN RSA PUBLIC KEY") slipped
    past the asymmetric-key check and was used as an HMAC secret. core refuses it (and X.509 certificates)."""
    for armour in (b"RSA PUBLIC KEY", b"CERTIFICATE"):
        key = b"-----BEGIN " + armour + b"-----\nMIIBCgKCAQEA\n-----END " + armour + b"-----\n"
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            jwt.decode(forge({"alg": "HS256"}, {}, key), key, algorithms=["HS256"])


def test_cve_2024_53861_issuer_is_compared_whole_never_as_a_substring() -> None:
    """CVE-2024-53861 (PyJWT 2.10.0): an ``issuer`` string was checked with ``in``, so "abc" passed for
    "__abc__". core compares the whole string (and a list of issuers element by element)."""
    token = codec.encode({"iss": "abc"}, KEY)
    with pytest.raises(InvalidIssuerError):
        codec.decode(token, KEY, issuer="__abc__")
    with pytest.raises(InvalidIssuerError):
        codec.decode(token, KEY, issuer=["__abc__", "ab"])
    assert codec.decode(token, KEY, issuer="abc") == {"iss": "abc"}


def test_ghsa_752w_5fwx_jx9f_unknown_critical_headers_invalidate_the_token() -> None:
    """GHSA-752w-5fwx-jx9f (PyJWT < 2.12.0): a "crit" header naming an unknown extension was ignored, against
    RFC 7515 §4.1.11. core refuses the token, even with a valid signature."""
    token = jwt.encode({"sub": "1"}, KEY, headers={"crit": ["exp-ext"], "exp-ext": 1})
    with pytest.raises(UnsupportedCriticalHeaderError):
        jwt.decode(token, KEY, algorithms=["HS256"])


def test_cve_2026_48526_only_oct_jwks_can_verify_an_hmac_token() -> None:
    """CVE-2026-48526 (PyJWT < 2.13.0): with HMAC and asymmetric algorithms both allowed, an issuer's public JWK
    could serve as the HMAC secret. core uses only "kty": "oct" keys: a JWK Set of an RSA key verifies nothing."""
    rsa_jwk = {"kty": "RSA", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl", "e": "AQAB"}
    forged = forge({"alg": "HS256"}, {"sub": "admin"}, json.dumps(rsa_jwk).encode())
    with pytest.raises(InvalidKeyError, match="oct"):
        jwt.decode(forged, {"keys": [rsa_jwk]}, algorithms=["HS256", "RS256"])
    with pytest.raises(InvalidKeyError, match="oct"):
        jwt.decode(forged, rsa_jwk, algorithms=["HS256", "RS256"])


def test_cve_2016_7036_signatures_are_compared_in_constant_time() -> None:
    """CVE-2016-7036 (python-jose < 1.3.2): the MAC was compared with ``==``, leaking its prefix by timing. core
    compares with the constant-time comparison behind ``hmac.compare_digest`` (``_operator._compare_digest``,
    which hmac itself uses where OpenSSL is absent), whatever the key set."""
    import _operator

    from core.jwt import _mac

    assert _mac.compare_digest is _operator._compare_digest
    assert _mac.compare_digest(b"same", b"same")
    assert not _mac.compare_digest(b"same", b"diff")


def test_cve_2025_45768_short_hmac_keys_warn_and_strict_mode_refuses() -> None:
    """CVE-2025-45768 (PyJWT 2.10.1, disputed): HMAC keys shorter than the hash were accepted silently. core warns
    (InsecureKeyLengthWarning) and ``JWT(strict_key_length=True)`` refuses them (RFC 7518 §3.2)."""
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        token = jwt.encode({"a": 1}, "short")
    with pytest.raises(InvalidKeyError, match="RFC 7518"):
        JWT(strict_key_length=True).decode(token, "short", algorithms=["HS256"])


def test_cve_2011_2483_eight_bit_bcrypt_passwords_hash_correctly() -> None:
    """CVE-2011-2483 (crypt_blowfish < 1.1, hence PHP's crypt and many distributions): bytes >= 0x80 were
    sign-extended into the key, so b"\\xff\\xff\\xa3" and b"\\xa3" got one hash. core's own bcrypt engine keeps
    them apart: the correct hash of b"\\xa3" (crypt_blowfish's own test vector) verifies, the colliding password
    does not."""
    hasher = PasswordHasher(rounds=1000, pure_python=True)
    correct = "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"
    assert hasher.verify(b"\xa3", correct)
    assert hasher.verify(b"\xa3", "$2y$" + correct[4:])
    assert not hasher.verify(b"\xff\xff\xa3", correct)


def test_cve_2013_1443_overlong_passwords_are_refused_before_hashing() -> None:
    """CVE-2013-1443 (Django < 1.4.8 / 1.5.4): a megabyte-long password cost seconds of PBKDF2 per login attempt.
    core refuses passwords over max_password_bytes (4,096 by default, as Django's fix) before any hashing."""
    hasher = PasswordHasher(rounds=1000)
    stored = hasher.hash("password")
    with pytest.raises(PasswordTooLongError):
        hasher.verify("x" * 1_000_000, stored)
    with pytest.raises(PasswordTooLongError):
        hasher.hash(b"x" * 4097)
