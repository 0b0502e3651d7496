"""The identity key of an address: what makes two spellings of one address one account.

Mail systems treat the local part case-insensitively in practice, and a user who signs up as ``Alice@`` expects
``alice@`` to log in. Compatibility forms are folded too: ``\uff41lice@`` (a fullwidth a) and ``alice@`` share a key.
Only case and compatibility forms are folded: a cross-script look-alike (``\u0430lice@`` with a Cyrillic a) is a
different address to Unicode and gets its own key, so it can open a second account next to ``alice@``'s; telling
such spellings apart is left to whoever reads them. The key is NFKC, case-folded, NFKC again (Unicode's
NFKC_Casefold, less its removal of default-ignorables, which validation refuses anyway). The address itself is kept
as the user typed it; only uniqueness and lookups use the key.
"""

from __future__ import annotations


def email_key(address: str) -> str:
    """The key under which ``address`` (as ``validate_email`` normalised it) identifies one account."""
    if address.isascii():  # the common case: casefold is ASCII lower-casing, NFKC changes nothing
        return address.lower()
    import unicodedata  # on use: a non-ASCII address

    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address).casefold())
