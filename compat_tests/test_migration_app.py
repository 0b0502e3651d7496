"""A FastAPI app written for python-jose, passlib and pydantic's EmailStr, beside the same app with its imports swapped.

``compat_tests/data/migration_app/app.py`` is the usual FastAPI auth code (``from jose import JWTError, jwt``,
``CryptContext(schemes=["bcrypt"], deprecated="auto")``, ``EmailStr``, a SQLite users table, the OAuth2 password
flow). ``migrated_source`` rewrites only its import lines, as docs/migration.md tells a team to; each test runs
the same requests against both apps, on two copies of one database seeded with hashes made by the ``bcrypt``
package, and compares status codes, bodies and headers. The clock the app reads is fixed, so both apps' tokens
are compared byte for byte.
"""

from __future__ import annotations

import ast
import asyncio
import difflib
import importlib.util
import shutil
import sqlite3
import sys
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import bcrypt
import httpx
import pytest
from jose import jwt as jose_jwt

APP_SOURCE = Path(__file__).parent / "data" / "migration_app" / "app.py"
SECRET = "a-32-byte-secret-for-hs256-token"
# The whole migration: each import line of the original and what replaces it (docs/migration.md, "Imports").
IMPORT_REWRITES = (
    ("from jose import JWTError, jwt\n", "from core import jwt\nfrom core.jwt import JWTError\n"),
    ("from passlib.context import CryptContext\n", "from core.passwords import CryptContext\n"),
    ("from pydantic import BaseModel, EmailStr, Field\n",
     "from pydantic import BaseModel, Field\n\nfrom api.types import EmailStr\n"),
)
# The seeded accounts: (email, full name, password, bcrypt label, disabled). Cost 4 hashes from the bcrypt package,
# below the apps' configured cost 5, so the first correct login upgrades them (verify_and_update).
SEEDED = (
    ("alice@example.com", "Alice Liddell", "wonderland-1865", b"2b", 0),
    ("bob@example.com", "Bob Builder", "can-we-fix-it?", b"2a", 0),
    ("carol@example.com", None, "Ünïcødé pässwörd €", b"2y", 0),
    ("dave@example.com", "Dave Disabled", "locked-out-long-ago", b"2b", 1),
)


def migrated_source(source: str) -> str:
    """``source`` with each import of IMPORT_REWRITES replaced (each must occur exactly once), nothing else."""
    for old, new in IMPORT_REWRITES:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def seed(path: Path) -> None:
    """The users table of the original system: bcrypt hashes made by the bcrypt package itself."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, full_name TEXT, "
                   "hashed_password TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)")
        for email, name, password, label, disabled in SEEDED:
            salt = bcrypt.gensalt(4, prefix=b"2a" if label == b"2a" else b"2b")
            hashed = bcrypt.hashpw(password.encode(), salt)
            if label == b"2y":  # PHP's label for the same algorithm (password_hash)
                hashed = b"$2y$" + hashed[4:]
            db.execute("INSERT INTO users (email, full_name, hashed_password, disabled) VALUES (?, ?, ?, ?)",
                       (email, name, hashed.decode(), disabled))
    db.close()


def stored_hashes(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT email, hashed_password FROM users").fetchall())
    finally:
        db.close()


def load_app(source: str, name: str, database: Path, now: datetime, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import ``source`` as module ``name`` on ``database``, its ``datetime.now`` fixed at ``now``."""
    path = database.parent / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    monkeypatch.setenv("APP_SECRET_KEY", SECRET)
    monkeypatch.setenv("APP_DATABASE", str(database))
    monkeypatch.setenv("APP_BCRYPT_ROUNDS", "5")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    with warnings.catch_warnings():
        # passlib 1.7.4 imports the deprecated `crypt` module on 3.11+ (an error under our pytest settings)
        warnings.simplefilter("ignore", DeprecationWarning)
        spec.loader.exec_module(module)

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> FrozenDatetime:  # type: ignore[override]
            return cls.fromtimestamp(now.timestamp(), tz)

    monkeypatch.setattr(module, "datetime", FrozenDatetime)
    return module


class TestClient:
    """A synchronous client over httpx's ASGI transport (starlette's TestClient warns about httpx, an error here)."""

    __test__ = False

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)


class Pair:
    """The original app and its migrated copy, each on its own copy of the seeded database."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        source = APP_SOURCE.read_text(encoding="utf-8")
        self.databases = {"original": tmp_path / "original.sqlite3", "migrated": tmp_path / "migrated.sqlite3"}
        seed(self.databases["original"])
        shutil.copyfile(self.databases["original"], self.databases["migrated"])
        sources = {"original": source, "migrated": migrated_source(source)}
        self.modules = {kind: load_app(sources[kind], f"migration_app_{kind}", self.databases[kind], self.now,
                                       monkeypatch) for kind in sources}
        # what each app runs on: the reference libraries, then core's replacements
        assert self.modules["original"].jwt.__name__ == "jose.jwt"
        assert self.modules["migrated"].jwt.__name__ == "core.jwt"
        assert type(self.modules["original"].pwd_context).__module__ == "passlib.context"
        assert type(self.modules["migrated"].pwd_context).__module__.startswith("core.passwords")
        self.clients = {kind: TestClient(module.app) for kind, module in self.modules.items()}


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pair:
    return Pair(tmp_path, monkeypatch)


def answer(response: Any) -> tuple[int, Any, str | None]:
    """What a client sees: status, JSON body (or text), and the WWW-Authenticate challenge."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return response.status_code, body, response.headers.get("www-authenticate")


def login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/token", data={"username": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def scenario(client: TestClient) -> list[tuple[int, Any, str | None]]:
    """A user-facing session: logins, sign-ups, profile reads and changes, with good and bad input."""
    seen = []

    def record(response: Any) -> Any:
        seen.append(answer(response))
        return response

    for email, _name, password, _label, _disabled in SEEDED:
        token = record(login(client, email, password)).json()["access_token"]
        record(client.get("/users/me", headers=bearer(token)))
    record(login(client, "alice@example.com", "wonderland-1866"))
    record(login(client, "ALICE@example.com", "wonderland-1865"))
    record(login(client, "nobody@example.com", "whatever-it-is"))
    record(client.post("/token", data={"username": "alice@example.com"}))
    for body in (
        {"email": "  Erin@EXAMPLE.COM ", "password": "erin-password", "full_name": "Erin"},
        {"email": "Frank Castle <frank@example.com>", "password": "frank-password"},
        {"email": "josé@bücher.example", "password": "pässwörd-josé"},
        {"email": " Erin@example.COM", "password": "another-password"},
        {"email": "not-an-email", "password": "long-enough"},
        {"email": "root@localhost", "password": "long-enough"},
        {"email": "a..b@example.com", "password": "long-enough"},
        {"email": "short@example.com", "password": "short"},
        {"password": "no-email-given"},
        {"email": 42, "password": "long-enough"},
    ):
        record(client.post("/users", json=body))
    erin = record(login(client, "Erin@example.com", "erin-password")).json()["access_token"]
    record(login(client, "josé@bücher.example", "pässwörd-josé"))
    record(client.get("/users/me", headers=bearer(erin)))
    record(client.put("/users/me/email", json={"email": "bob@example.com"}, headers=bearer(erin)))
    record(client.put("/users/me/email", json={"email": "erin@@example.com"}, headers=bearer(erin)))
    record(client.put("/users/me/email", json={"email": "Erin.New@Example.com"}, headers=bearer(erin)))
    # the token names the old address: the account moved, so it no longer identifies anyone
    record(client.get("/users/me", headers=bearer(erin)))
    record(client.get("/users/me"))
    record(client.get("/users/me", headers={"Authorization": "Basic YWxpY2U6eA=="}))
    record(client.get("/openapi.json"))
    return seen


def foreign_tokens(now: datetime) -> dict[str, str]:
    """Tokens an app meets in the wild, made by python-jose itself: stale, forged, tampered, incomplete."""
    claims = {"sub": "alice@example.com", "exp": now + timedelta(minutes=5)}
    good = jose_jwt.encode(claims, SECRET, algorithm="HS256")
    head, payload, signature = good.split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return {
        "valid": good,
        "expired": jose_jwt.encode({**claims, "exp": now - timedelta(minutes=1)}, SECRET, algorithm="HS256"),
        "not yet valid": jose_jwt.encode({**claims, "nbf": now + timedelta(minutes=1)}, SECRET, algorithm="HS256"),
        "other secret": jose_jwt.encode(claims, "another-32-byte-secret-for-hs256", algorithm="HS256"),
        "HS512 not allowed": jose_jwt.encode(claims, SECRET, algorithm="HS512"),
        "tampered signature": f"{head}.{payload}.{flipped}",
        "no sub": jose_jwt.encode({"exp": now + timedelta(minutes=5)}, SECRET, algorithm="HS256"),
        "unknown user": jose_jwt.encode({**claims, "sub": "ghost@example.com"}, SECRET, algorithm="HS256"),
        "sub not a string": jose_jwt.encode({**claims, "sub": 7}, SECRET, algorithm="HS256"),
        "no exp": jose_jwt.encode({"sub": "alice@example.com"}, SECRET, algorithm="HS256"),
        "two segments": f"{head}.{payload}",
        "garbage": "not.a.token",
        "empty": "",
    }


def both(pair: Pair, run: Callable[[TestClient], Any]) -> tuple[Any, Any]:
    return run(pair.clients["original"]), run(pair.clients["migrated"])


def test_only_the_imports_differ() -> None:
    """The migrated app differs from the original in its import lines alone, and no longer imports jose or passlib."""
    source = APP_SOURCE.read_text(encoding="utf-8")
    migrated = migrated_source(source)
    changed = [line for line in difflib.ndiff(source.splitlines(), migrated.splitlines())
               if line.startswith(("- ", "+ "))]
    assert changed
    assert all(line[2:].startswith(("from ", "import ")) or not line[2:].strip() for line in changed), changed
    imported = {node.module for node in ast.walk(ast.parse(migrated)) if isinstance(node, ast.ImportFrom)}
    assert imported == {"datetime", "typing", "fastapi", "fastapi.security", "core",
                        "core.jwt", "core.passwords", "pydantic", "api.types"}


def test_the_same_session_gets_the_same_answers(pair: Pair) -> None:
    """Every request of a user session (logins, sign-ups with good and bad addresses, profile changes, the OpenAPI
    schema) gets the same status, body and challenge from both apps; with the clock fixed, tokens are byte-identical."""
    original, migrated = both(pair, scenario)
    assert len(original) == len(migrated)
    for index, (before, after) in enumerate(zip(original, migrated, strict=True)):
        assert before == after, f"request {index}"
    statuses = [status for status, _body, _challenge in original]
    assert statuses.count(200) >= 8
    assert {201, 400, 401, 422} <= set(statuses)


def test_sign_up_normalises_the_address_as_pydantic_does(pair: Pair) -> None:
    """A sign-up with surrounding spaces, an upper-case domain or a display name stores the same normalised address
    in both databases."""
    for body in ({"email": "  Grace@EXAMPLE.com ", "password": "grace-password"},
                 {"email": "Heidi Klum <HEIDI@Example.ORG>", "password": "heidi-password"}):
        original, migrated = both(pair, lambda client, body=body: answer(client.post("/users", json=body)))
        assert original == migrated
        assert original[0] == 201
    assert set(stored_hashes(pair.databases["original"])) == set(stored_hashes(pair.databases["migrated"]))
    assert {"Grace@example.com", "HEIDI@example.org"} <= set(stored_hashes(pair.databases["migrated"]))


def test_tokens_of_one_app_are_accepted_by_the_other(pair: Pair) -> None:
    """A token issued by either app opens /users/me on both, with the same answer; both issue the same bytes."""
    tokens = {kind: login(client, "alice@example.com", "wonderland-1865").json()["access_token"]
              for kind, client in pair.clients.items()}
    assert tokens["original"] == tokens["migrated"]
    # and a token whose exp differs from what the migrated app would issue (issued a minute earlier)
    tokens["earlier"] = pair.modules["original"].create_access_token(
        {"sub": "bob@example.com"}, expires_delta=timedelta(minutes=29))
    for token in tokens.values():
        original, migrated = both(pair, lambda client, token=token: answer(client.get("/users/me",
                                                                                     headers=bearer(token))))
        assert original == migrated
        assert original[0] == 200
    assert jose_jwt.decode(tokens["migrated"], SECRET, algorithms=["HS256"])["sub"] == "alice@example.com"


def test_tokens_from_the_wild_get_the_same_answers(pair: Pair) -> None:
    """Stale, forged, tampered and incomplete tokens minted by python-jose get the same status and body from both."""
    tokens = foreign_tokens(datetime.now(timezone.utc))
    answers = {}
    for label, token in tokens.items():
        original, migrated = both(pair, lambda client, token=token: answer(client.get("/users/me",
                                                                                     headers=bearer(token))))
        assert original == migrated, label
        answers[label] = original[0]
    assert answers.pop("valid") == 200
    assert answers.pop("no exp") == 200  # neither library requires exp unless asked to
    assert set(answers.values()) == {401}


def test_legacy_bcrypt_hashes_are_upgraded_alike_on_login(pair: Pair) -> None:
    """The first correct login re-hashes each seeded cost-4 hash at the configured cost 5 in both apps; a wrong
    password or a disabled account's login changes nothing, and the new hashes verify in the other app."""
    before = stored_hashes(pair.databases["original"])
    for email, _name, password, _label, _disabled in SEEDED:
        original, migrated = both(pair, lambda client, e=email, p=password: answer(login(client, e, p)))
        assert original == migrated
        both(pair, lambda client, e=email: login(client, e, "not-the-password"))
    after = {kind: stored_hashes(path) for kind, path in pair.databases.items()}
    for email, _name, password, _label, _disabled in SEEDED:
        for kind in after:
            assert after[kind][email] != before[email]
            assert after[kind][email].startswith("$2b$05$"), (kind, email)
            assert bcrypt.checkpw(password.encode(), after[kind][email].encode())
        # each app's upgraded hash verifies in the other app's context, which leaves it alone
        for kind, other in (("original", "migrated"), ("migrated", "original")):
            context = pair.modules[other].pwd_context
            assert context.verify_and_update(password, after[kind][email]) == (True, None)


def test_switching_code_on_one_database_keeps_every_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one shared database, accounts signed up through either app log in through the other, and a token issued
    before the switch keeps working after it (and after a switch back)."""
    database = tmp_path / "shared.sqlite3"
    seed(database)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    source = APP_SOURCE.read_text(encoding="utf-8")
    original = load_app(source, "migration_app_shared_original", database, now, monkeypatch)
    migrated = load_app(migrated_source(source), "migration_app_shared_migrated", database, now, monkeypatch)
    before, after = TestClient(original.app), TestClient(migrated.app)
    assert before.post("/users", json={"email": "ivan@example.com", "password": "ivan-password"}).status_code == 201
    assert after.post("/users", json={"email": "judy@example.com", "password": "judy-password"}).status_code == 201
    old_token = login(before, "ivan@example.com", "ivan-password").json()["access_token"]
    for client in (before, after):
        assert answer(login(client, "ivan@example.com", "ivan-password"))[0] == 200
        assert answer(login(client, "judy@example.com", "judy-password"))[0] == 200
        assert answer(login(client, "judy@example.com", "ivan-password"))[0] == 401
        me = client.get("/users/me", headers=bearer(old_token))
        assert me.status_code == 200
        assert me.json()["email"] == "ivan@example.com"
