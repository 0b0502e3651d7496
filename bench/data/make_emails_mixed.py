"""Generate bench/data/emails_mixed.json: what a sign-up form's email field receives (deterministic, seed below).

Run ``python bench/data/make_emails_mixed.py`` to regenerate (standard library only; the output is committed).

Composition (fixed before any timing was taken, not tuned to the ratio):
- 88% valid ASCII addresses: the usual local-part shapes (first.last, flast, first_last, first+tag, digits,
  capitals) at the big mailbox providers (about half) and at generated company / university / ISP domains (with
  subdomains and country-code TLDs);
- 8% typos, every one invalid: a missing or doubled @-sign, a comma or space, doubled / leading / trailing dots,
  a missing or numeric TLD, a hyphen at a label edge, an underscore in the domain, angle brackets, quotes;
- 4% internationalised: Unicode local parts and IDN domains in eight scripts, half of the domains as pasted
  punycode (``xn--``), plus invalid ones (full-width @-sign, bidi override, ``..``). Real sign-up traffic has far
  fewer (SMTPUTF8 adoption is low), so this over-weights the slow path rather than flatter the ratio.

Every generated domain label is random, so the per-domain cache in core.emails only helps where a real form would
see the same domain twice (the big providers, which take the ASCII fast path anyway, which has no cache).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20240604
SIZE = 2000
SHARES = {"valid_ascii": 0.88, "invalid_ascii": 0.08, "internationalised": 0.04}
OUT = Path(__file__).with_name("emails_mixed.json")

_FIRST = ("anna", "james", "maria", "li", "wei", "john", "sara", "omar", "lucas", "emma", "noah", "olivia", "liam",
          "mia", "ethan", "ava", "chen", "priya", "jose", "fatima", "yuki", "hans", "ingrid", "pedro", "sofia", "ali",
          "tom", "kate", "ben")
_LAST = ("smith", "johnson", "garcia", "müller", "nguyen", "kim", "patel", "rossi", "dubois", "silva", "tanaka",
         "cohen", "ivanov", "brown", "jones", "martin", "lee", "wilson", "taylor", "anderson", "thomas", "moore",
         "jackson", "white", "harris", "clark", "lewis")
_PROVIDERS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me",
              "gmx.de", "web.de", "yahoo.co.uk", "live.com", "mail.ru", "qq.com", "orange.fr", "comcast.net")
_TLDS = ("com", "org", "net", "io", "co", "de", "fr", "co.uk", "com.au", "ca", "nl", "es", "it", "edu", "ac.uk",
         "info", "dev", "app", "ch", "se")
_SYLLABLES = "ka ro mi tech data net sol ware lab hub cloud soft ly nex ora vi tra corp dyn quan flux"
# Letters of eight scripts for IDN labels and Unicode local parts (RFC 6531).
_SCRIPTS = (
    "абвгдежзиклмнопрстуфхцчшщэюя",  # Cyrillic
    "αβγδεζηθικλμνξοπρστυφχψω",  # Greek
    "中国网络公司电子邮件数据科技信息服务",  # Han
    "アイウエオカキクケコサシスセソタチツテト",  # Katakana
    "अआइईउऊएऐओऔकखगघचछजझटठडढ",  # Devanagari
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",  # Arabic
    "กขคงจฉชซญดตถทธนบปผพฟมยรลวสหอ",  # Thai
    "äöüßéèêàçñøåæ",  # Latin with diacritics (mixed with ASCII letters below)
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES.split()) for _ in range(rng.randint(1, 3)))


def _ascii_local(rng: random.Random) -> str:
    first = rng.choice(_FIRST)
    last = rng.choice(_LAST).replace("ü", "ue")
    shape = rng.randrange(8)
    local = (f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}", f"{first}+{_word(rng)}",
             f"{first}{rng.randint(1, 9999)}", f"{first}.{last}{rng.randint(1, 99)}", f"{first}", f"{last}.{first}",
             )[shape]
    return local.capitalize() if rng.random() < 0.1 else local


def _ascii_domain(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_PROVIDERS)
    domain = f"{_word(rng)}.{rng.choice(_TLDS)}"
    if rng.random() < 0.15:
        domain = f"{rng.choice(('mail', 'cs', 'eng', 'staff', 'students'))}.{domain}"
    return domain.upper() if rng.random() < 0.03 else domain


def _valid_ascii(rng: random.Random) -> str:
    return f"{_ascii_local(rng)}@{_ascii_domain(rng)}"


def _typo(rng: random.Random) -> str:
    local, domain = _ascii_local(rng), _ascii_domain(rng)
    base, _, tld = domain.rpartition(".")
    return rng.choice((
        f"{local}{domain}",  # no @-sign
        f"{local}@@{domain}",
        f"{local}@{base},{tld}",  # comma for dot
        f"{local} @{domain}",
        f"{local}@{domain}.",
        f"{local}.@{domain}",
        f".{local}@{domain}",
        f"{local}@{base}..{tld}",
        f"{local}@{domain.split('.')[0]}",  # no TLD
        f"{local}@{base}.{rng.randint(1, 999)}",  # numeric TLD
        f"{local}@-{domain}",
        f"{local}@{base}-.{tld}",
        f"{local}@{base.replace('.', '_')}_x.{tld}",
        f"<{local}@{domain}>",
        f'"{local}"@{domain}',
        f"{local}@{domain}@{domain}",
        f"{local}@",
        f"@{domain}",
        f"{local}@.{domain}",
        f"{local}..x@{domain}",
    ))


def _unicode_word(rng: random.Random, script: str) -> str:
    letters = script if script != _SCRIPTS[-1] else script + "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(letters) for _ in range(rng.randint(2, 8)))


def _internationalised(rng: random.Random) -> str:
    script = rng.choice(_SCRIPTS)
    label = _unicode_word(rng, script)
    if label.isascii():  # the Latin-with-diacritics alphabet includes ASCII letters
        label += script[0]
    tld = rng.choice(("com", "org", "net", "de", "jp", "ru", "in"))
    domain = f"{label}.{tld}"
    if rng.random() < 0.5:
        domain = f"xn--{label.encode('punycode').decode('ascii')}.{tld}"
    local = _unicode_word(rng, script) if rng.random() < 0.4 else _ascii_local(rng)
    kind = rng.random()
    if kind < 0.15:
        return f"{local}\uff20{label}.{tld}"  # full-width @-sign
    if kind < 0.2:
        return f"{local}@{label}\u202e.{tld}"  # right-to-left override
    if kind < 0.25:
        return f"{local}@{label}..{tld}"
    return f"{local}@{domain}"


def main() -> None:
    rng = random.Random(SEED)
    counts = {kind: round(SIZE * share) for kind, share in SHARES.items()}
    makers = {"valid_ascii": _valid_ascii, "invalid_ascii": _typo, "internationalised": _internationalised}
    cases = [{"email": makers[kind](rng), "kind": kind} for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(cases)
    OUT.write_text(json.dumps({
        "source": f"generated by bench/data/make_emails_mixed.py (seed {SEED}); see its docstring for the rationale",
        "composition": {kind: f"{n} ({SHARES[kind]:.0%})" for kind, n in counts.items()},
        "cases": cases,
    }, ensure_ascii=True, indent=0) + "\n", encoding="ascii")


if __name__ == "__main__":
    main()
