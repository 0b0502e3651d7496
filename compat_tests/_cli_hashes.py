"""``python -m compat_tests hashes``: an inventory of stored password hashes as core sees them.

Per scheme and work factor: how many, how many the default policy (core.passwords.DEFAULT_HASHER) rehashes on
the next successful login, and the CPU one login costs on CPython and on Workers (_hash_costs). Hashes core
refuses are grouped by the reason. A hash is never printed in full: only its scheme, work factor and the first
characters of its salt; a value of no known format shows nothing but its length and alphabet (it might be a
password stored in clear).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from compat_tests import _hash_costs
from compat_tests._cli_input import InputError, Line
from core.passwords import DEFAULT_HASHER, MalformedHashError, UnknownHashError, identify
from core.passwords._bcrypt import parse as parse_bcrypt
from core.passwords._pbkdf2_format import parse_django, parse_passlib

# A stored hash core accepts is at most 2,048 characters (core.passwords._hasher.MAX_HASH_LENGTH); a longer line is
# still reported (as refused), up to this bound on what a line may be.
MAX_LINE_BYTES = 8 * 1024
SALT_CHARS = 4  # characters of salt shown, enough to tell hashes apart in a report, too few to be useful
DOCS = "docs/compatibility.md"

# Formats core does not verify, by prefix: what they are and the anchor of the row that explains why (if any).
KNOWN_OTHERS = [
    ("$2$", "bcrypt with the original $2$ label", "pw-2"),
    ("$argon2", "Argon2 (passlib / argon2-cffi)", "ctx-schemes"),
    ("argon2$", "Django Argon2", "ctx-schemes"),
    ("bcrypt_sha256$", "Django bcrypt_sha256", "ctx-schemes"),
    ("bcrypt$", "Django bcrypt", "ctx-schemes"),
    ("$bcrypt-sha256$", "passlib bcrypt_sha256", "ctx-schemes"),
    ("$scrypt$", "scrypt", "ctx-schemes"),
    ("scrypt$", "Django scrypt", "ctx-schemes"),
    ("$pbkdf2$", "passlib pbkdf2_sha1", "ctx-schemes"),
    ("$pbkdf2-sha512$", "passlib pbkdf2_sha512", "ctx-schemes"),
    ("pbkdf2_sha1$", "Django pbkdf2_sha1", "ctx-schemes"),
    ("$1$", "md5_crypt", "ctx-schemes"),
    ("$5$", "sha256_crypt", "ctx-schemes"),
    ("$6$", "sha512_crypt", "ctx-schemes"),
    ("sha1$", "Django salted SHA-1", "ctx-schemes"),
    ("md5$", "Django salted MD5", "ctx-schemes"),
]
_HEX_DIGESTS = {32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}


def _shape(text: str) -> str:
    """What a value of unknown format looks like, without showing any of it."""
    if re.fullmatch(r"[0-9a-fA-F]+", text):
        guess = _HEX_DIGESTS.get(len(text))
        return f"{len(text)} hex characters" + (f" (an unsalted {guess} digest?)" if guess else "")
    if text in ("!", "*", "!!") or (text[:1] in "!*" and len(text) < 3):
        return "a locked-account marker"
    alphabet = "base64-like" if re.fullmatch(r"[A-Za-z0-9+/=._-]+", text) else "free text"
    return f"{len(text)} characters, {alphabet}"


def redact(text: str, scheme: str | None = None) -> str:
    """Scheme, work factor and the first salt characters of a hash core parses (``scheme``); of any other value
    only its label and length, or its shape."""
    parts = text.split("$")
    if scheme in ("bcrypt", "pbkdf2-sha256"):  # $2b$12$<salt+checksum>, $pbkdf2-sha256$<rounds>$<salt>$<checksum>
        return "$".join(parts[:3]) + "$" + parts[3][:SALT_CHARS] + "…"
    if scheme == "django-pbkdf2-sha256":  # pbkdf2_sha256$<iterations>$<salt>$<hash>
        return "$".join(parts[:2]) + "$" + parts[2][:SALT_CHARS] + "…"
    if text.startswith("$") and len(parts) >= 3 and re.fullmatch(r"[a-z0-9-]{1,20}", parts[1]):
        return f"${parts[1]}$… ({len(text)} characters)"
    if len(parts) >= 2 and re.fullmatch(r"[a-z0-9_]{1,30}", parts[0]):  # Django's <algorithm>$...
        return f"{parts[0]}$… ({len(text)} characters)"
    return f"({_shape(text)})"


def _ascii_printable(text: str, limit: int = 40) -> str:
    return "".join(c if c.isascii() and c.isprintable() else "?" for c in text[:limit])


def classify(text: str) -> dict[str, Any]:
    """One stored hash: its group (scheme, variant, work factor) and whether it needs a rehash, or why refused."""
    scheme = None
    try:
        scheme = identify(text)
        if scheme == "bcrypt":
            parsed = parse_bcrypt(text)
            variant, cost = f"${text[1:3]}$", parsed.cost
        else:
            pbkdf2 = parse_passlib(text) if scheme == "pbkdf2-sha256" else parse_django(text)
            variant, cost = "", pbkdf2.rounds
        rehash = DEFAULT_HASHER.needs_rehash(text)
    except UnknownHashError:
        for prefix, what, anchor in KNOWN_OTHERS:
            if text.startswith(prefix):
                return {"refused": f"{what}: not a scheme core verifies",
                        "docs": f"{DOCS}#{anchor}"}
        if text.startswith("$"):
            label = _ascii_printable(text.split("$")[1], 20)
            return {"refused": f"unknown scheme ${label}$", "docs": None}
        return {"refused": f"not a hash of a known format ({_shape(text)})", "docs": None}
    except MalformedHashError as exc:
        return {"refused": f"malformed {scheme or 'stored'} hash: {exc}", "docs": None}
    return {"scheme": scheme, "variant": variant, "cost": cost, "rehash": rehash}


def run(hashes: Iterable[Line], bench_dir: Path | None) -> dict[str, Any]:
    """The inventory of the stored hashes (refused hashes are findings, not failures)."""
    groups: dict[tuple[str, str, int], dict[str, Any]] = {}
    refused: dict[str, dict[str, Any]] = {}
    total = 0
    for line in hashes:
        total += 1
        text = line.text.strip()
        found = classify(text)
        if "refused" in found:
            entry = refused.setdefault(found["refused"], {"reason": found["refused"], "docs": found["docs"],
                                                          "count": 0, "lines": [], "examples": []})
            entry["count"] += 1
            if len(entry["lines"]) < 10:
                entry["lines"].append(line.number)
            if len(entry["examples"]) < 3:
                entry["examples"].append(redact(text, found.get("parsed_scheme")))
            continue
        key = (found["scheme"], found["variant"], found["cost"])
        group = groups.setdefault(key, {"scheme": found["scheme"], "variant": found["variant"],
                                        "cost": found["cost"], "count": 0, "rehash": 0,
                                        "example": redact(text, found["scheme"])})
        group["count"] += 1
        group["rehash"] += found["rehash"]
    if total == 0:
        raise InputError("no hashes in the input (one a line expected)")
    results_dir = bench_dir or _hash_costs.default_dir()
    figures = _hash_costs.load(results_dir)
    for group in groups.values():
        group["cpu_ms"] = _hash_costs.login_cost(figures, group["scheme"], group["cost"])
    return {"command": "hashes", "hashes": total,
              "parsed": sum(g["count"] for g in groups.values()),
              "refused": sum(r["count"] for r in refused.values()),
              "rehash_on_login": sum(g["rehash"] for g in groups.values()),
              "policy": {"scheme": DEFAULT_HASHER.scheme, "rounds": DEFAULT_HASHER.rounds},
              "groups": sorted(groups.values(), key=lambda g: (-g["count"], g["scheme"], g["cost"])),
              "refused_groups": sorted(refused.values(), key=lambda r: -r["count"]),
              "cpu": _hash_costs.summary(results_dir, figures)}


def _ms(cost: dict[str, Any] | None) -> str:
    if cost is None:
        return "not measured"
    ms = cost["ms"]
    text = f"{ms / 1000:,.1f} s" if ms >= 1000 else f"{ms:,.1f} ms"
    return text + (" (over the 30 s default limit)" if cost.get("over_default_limit") else "")


def table(report: dict[str, Any]) -> list[list[str]]:
    out = [["scheme", "cost", "hashes", "rehash on login", "CPU/login CPython", "CPU/login Workers", "example"]]
    for g in report["groups"]:
        name = g["scheme"] + (f" {g['variant']}" if g["variant"] else "")
        cpython = _ms(g["cpu_ms"]["cpython"])
        if g["cpu_ms"]["cpython_pure"] is not None:  # bcrypt: core's pure engine where the bcrypt package is absent
            cpython += f" (pure: {_ms(g['cpu_ms']['cpython_pure'])})"
        out.append([name, f"{g['cost']:,}", f"{g['count']:,}", f"{g['rehash']:,}", cpython,
                    _ms(g["cpu_ms"]["workers"]), g["example"]])
    return out


def refused_table(report: dict[str, Any]) -> list[list[str]]:
    out = [["refused", "why", "lines", "examples"]]
    for r in report["refused_groups"]:
        why = r["reason"] + (f" ({r['docs']})" if r["docs"] else "")
        lines_text = ", ".join(map(str, r["lines"])) + (", …" if r["count"] > len(r["lines"]) else "")
        out.append([f"{r['count']:,}", why, lines_text, ", ".join(r["examples"])])
    return out
