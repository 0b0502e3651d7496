"""``ALGORITHMS``: python-jose's ``jose.constants.ALGORITHMS`` for code that names algorithms through it.

Every name python-jose defines is here with python-jose's value (``ALGORITHMS.RS256 == "RS256"``, the JWE names
too), so ``algorithms=[ALGORITHMS.HS256]`` and ``ALGORITHMS.HMAC`` keep working after the import is switched.
core signs and verifies HMAC only: ``SUPPORTED`` is ``HMAC`` here (python-jose's also lists RSA, EC and JWE
algorithms), and passing any other name to ``encode``/``decode`` raises ``InvalidAlgorithmError`` saying so.
python-jose's ``HASHES`` and ``KEYS`` (its crypto backends' constructors) have no equivalent.
"""

from __future__ import annotations

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")


class Algorithms:
    """Algorithm names as attributes and the families as frozensets, as in ``jose.constants.Algorithms``."""

    # JWS
    NONE = "none"
    HS256 = "HS256"
    HS384 = "HS384"
    HS512 = "HS512"
    RS256 = "RS256"
    RS384 = "RS384"
    RS512 = "RS512"
    ES256 = "ES256"
    ES384 = "ES384"
    ES512 = "ES512"

    # JWE content encryption
    A128CBC_HS256 = "A128CBC-HS256"
    A192CBC_HS384 = "A192CBC-HS384"
    A256CBC_HS512 = "A256CBC-HS512"
    A128GCM = "A128GCM"
    A192GCM = "A192GCM"
    A256GCM = "A256GCM"
    # pseudo algorithms python-jose names for AES in CBC mode
    A128CBC = "A128CBC"
    A192CBC = "A192CBC"
    A256CBC = "A256CBC"

    # JWE key management
    DIR = "dir"
    RSA1_5 = "RSA1_5"
    RSA_OAEP = "RSA-OAEP"
    RSA_OAEP_256 = "RSA-OAEP-256"
    A128KW = "A128KW"
    A192KW = "A192KW"
    A256KW = "A256KW"
    ECDH_ES = "ECDH-ES"
    ECDH_ES_A128KW = "ECDH-ES+A128KW"
    ECDH_ES_A192KW = "ECDH-ES+A192KW"
    ECDH_ES_A256KW = "ECDH-ES+A256KW"
    A128GCMKW = "A128GCMKW"
    A192GCMKW = "A192GCMKW"
    A256GCMKW = "A256GCMKW"
    PBES2_HS256_A128KW = "PBES2-HS256+A128KW"
    PBES2_HS384_A192KW = "PBES2-HS384+A192KW"
    PBES2_HS512_A256KW = "PBES2-HS512+A256KW"

    # JWE compression
    DEF = "DEF"

    HMAC = frozenset(HMAC_ALGORITHMS)
    HMAC_AUTH_TAG = frozenset((A128CBC_HS256, A192CBC_HS384, A256CBC_HS512))
    RSA_DS = frozenset((RS256, RS384, RS512))
    RSA_KW = frozenset((RSA1_5, RSA_OAEP, RSA_OAEP_256))
    RSA = RSA_DS | RSA_KW
    EC_DS = frozenset((ES256, ES384, ES512))
    EC_KW = frozenset((ECDH_ES, ECDH_ES_A128KW, ECDH_ES_A192KW, ECDH_ES_A256KW))
    EC = EC_DS | EC_KW
    AES_PSEUDO = frozenset((A128CBC, A192CBC, A256CBC, A128GCM, A192GCM, A256GCM))
    AES_JWE_ENC = frozenset((A128CBC_HS256, A192CBC_HS384, A256CBC_HS512, A128GCM, A192GCM, A256GCM))
    AES_ENC = AES_JWE_ENC | AES_PSEUDO
    AES_KW = frozenset((A128KW, A192KW, A256KW))
    AEC_GCM_KW = frozenset((A128GCMKW, A192GCMKW, A256GCMKW))
    AES = AES_ENC | AES_KW
    PBES2_KW = frozenset((PBES2_HS256_A128KW, PBES2_HS384_A192KW, PBES2_HS512_A256KW))
    GCM = frozenset((A128GCM, A192GCM, A256GCM))

    # What core can sign and verify: HMAC only (python-jose's SUPPORTED depends on its installed backend).
    SUPPORTED = HMAC
    # Every name a JOSE header may carry (the CBC pseudo algorithms are not among them).
    ALL = HMAC | RSA | EC | AES_JWE_ENC | AES_KW | AEC_GCM_KW | PBES2_KW | frozenset((NONE, DIR))

    __slots__ = ()


ALGORITHMS = Algorithms()


def unsupported_message(alg: str) -> str:
    """The explanation appended to python-jose's own messages when a known non-HMAC algorithm is asked for."""
    if alg in Algorithms.ALL:
        return f" leancore supports only HMAC algorithms ({', '.join(HMAC_ALGORITHMS)}), not {alg}."
    return ""
