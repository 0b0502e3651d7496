"""api.routers.users: super-admin-only account management and the last-super-admin protection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

pytestmark = pytest.mark.anyio


async def test_only_super_admins_manage_users(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Anonymous callers get 401, ordinary users 403, the super admin 200."""
    await session.create_user(admin, "plain@example.com")
    plain = await session.bearer("plain@example.com", "password-1234")
    assert (await client.get("/users")).status_code == 401
    assert (await client.get("/users", headers=plain)).status_code == 403
    assert (await client.get("/users", headers=admin)).status_code == 200


async def test_create_normalises_the_email_and_refuses_duplicates(session: Any, client: httpx.AsyncClient,
                                                                   admin: dict[str, str]) -> None:
    """The email is stored as core.emails normalises it; the same address again is 409 email_taken."""
    created = await session.create_user(admin, "  New.User@EXAMPLE.COM ")
    assert created["email"] == "New.User@example.com"
    again = await client.post("/users", headers=admin, json={"email": "New.User@example.com",
                                                             "password": "password-1234"})
    assert (again.status_code, again.json()["code"]) == (409, "email_taken")


@pytest.mark.parametrize("body", [
    {"email": "not-an-email", "password": "password-1234"},
    {"email": "a@example.com", "password": "short"},
    {"email": "a@example.com", "password": "password-1234", "role": "root"},
])
async def test_invalid_user_bodies_are_422(client: httpx.AsyncClient, admin: dict[str, str],
                                           body: dict[str, Any]) -> None:
    """A bad email, a too-short password or an unknown field is a 422 validation_error."""
    response = await client.post("/users", headers=admin, json=body)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


@pytest.mark.parametrize("flags", [
    {"is_superuser": 0}, {"is_superuser": 1}, {"is_active": "true"}, {"is_active": "false"}, {"is_superuser": "yes"},
    {"is_active": 0.0}, {"is_active": None},
])
async def test_flags_are_json_booleans_only(client: httpx.AsyncClient, admin: dict[str, str],
                                            flags: dict[str, Any]) -> None:
    """Creating with a flag given as 0, 1, "true", "yes", 0.0 or null is 422 bool_type, and creates no account."""
    response = await client.post("/users", headers=admin, json={"email": "flag@example.com",
                                                                "password": "password-1234", **flags})
    assert (response.status_code, response.json()["errors"][0]["type"]) == (422, "bool_type")
    assert (await client.get("/users", headers=admin)).json()["total"] == 1


@pytest.mark.parametrize("flags", [{"is_superuser": 1}, {"is_active": "false"}, {"is_active": 0}])
async def test_patched_flags_are_json_booleans_only(session: Any, client: httpx.AsyncClient, admin: dict[str, str],
                                                    flags: dict[str, Any]) -> None:
    """Patching a flag with 0, 1 or "false" is 422 bool_type and changes nothing (null still means unchanged)."""
    user = await session.create_user(admin, "patchflag@example.com")
    response = await client.patch(f"/users/{user['id']}", headers=admin, json=flags)
    assert (response.status_code, response.json()["errors"][0]["type"]) == (422, "bool_type")
    assert (await client.get(f"/users/{user['id']}", headers=admin)).json() == user
    unchanged = await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": None})
    assert unchanged.json() == user


async def test_deactivation_ends_the_users_tokens_for_good(session: Any, client: httpx.AsyncClient,
                                                           admin: dict[str, str]) -> None:
    """A token issued before a deactivation stays dead after the reactivation (401 token_revoked); a new login
    works, and the admin's own token is untouched."""
    user = await session.create_user(admin, "leaver@example.com", "password-1234")
    before = await session.bearer("leaver@example.com", "password-1234")
    assert (await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": False})).status_code == 200
    assert (await client.get("/auth/me", headers=before)).status_code == 401
    assert (await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": True})).status_code == 200
    response = await client.get("/auth/me", headers=before)
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    after = await session.bearer("leaver@example.com", "password-1234")
    assert (await client.get("/auth/me", headers=after)).json()["email"] == "leaver@example.com"
    assert (await client.get("/auth/me", headers=admin)).status_code == 200


async def test_only_deactivation_ends_tokens(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A refused deactivation (the last super admin), a promotion, a rename and a reactivation end no token."""
    assert (await client.patch("/users/1", headers=admin, json={"is_active": False})).status_code == 409
    user = await session.create_user(admin, "stays@example.com", "password-1234")
    token = await session.bearer("stays@example.com", "password-1234")
    for change in ({"is_superuser": True}, {"email": "stays2@example.com"}, {"is_active": True}):
        assert (await client.patch(f"/users/{user['id']}", headers=admin, json=change)).status_code == 200
    assert (await client.get("/auth/me", headers=token)).status_code == 200
    assert (await client.get("/auth/me", headers=admin)).status_code == 200


async def test_list_get_patch_delete(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A created user is listed, readable, patchable (email, flags, password) and deletable; then 404."""
    user = await session.create_user(admin, "crud@example.com")
    page = (await client.get("/users", params={"limit": 1, "offset": 1}, headers=admin)).json()
    assert (page["total"], [u["email"] for u in page["items"]]) == (2, ["crud@example.com"])
    assert (await client.get(f"/users/{user['id']}", headers=admin)).json() == user
    patched = await client.patch(f"/users/{user['id']}", headers=admin,
                                 json={"email": "crud2@example.com", "password": "another-pass", "is_superuser": True})
    assert patched.status_code == 200
    assert (patched.json()["email"], patched.json()["is_superuser"]) == ("crud2@example.com", True)
    assert (await session.login("crud2@example.com", "another-pass")).status_code == 200
    assert (await client.delete(f"/users/{user['id']}", headers=admin)).status_code == 204
    missing = await client.get(f"/users/{user['id']}", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "user_not_found")


async def test_patch_to_a_taken_email_is_409(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Renaming a user to another account's email is refused with 409."""
    user = await session.create_user(admin, "one@example.com")
    response = await client.patch(f"/users/{user['id']}", headers=admin, json={"email": "admin@example.com"})
    assert (response.status_code, response.json()["code"]) == (409, "email_taken")


@pytest.mark.parametrize("change", [{"is_superuser": False}, {"is_active": False}])
async def test_the_last_super_admin_cannot_be_demoted_or_deactivated(client: httpx.AsyncClient,
                                                                     admin: dict[str, str],
                                                                     change: dict[str, bool]) -> None:
    """Removing the only active super admin's standing is 409 last_super_admin and changes nothing."""
    response = await client.patch("/users/1", headers=admin, json=change)
    assert (response.status_code, response.json()["code"]) == (409, "last_super_admin")
    assert (await client.get("/users/1", headers=admin)).json()["is_superuser"] is True


async def test_the_last_super_admin_cannot_be_deleted(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Deleting the only active super admin is 409; the account stays."""
    response = await client.delete("/users/1", headers=admin)
    assert (response.status_code, response.json()["code"]) == (409, "last_super_admin")
    assert (await client.get("/users/1", headers=admin)).status_code == 200


async def test_with_a_second_super_admin_the_first_can_go(session: Any, client: httpx.AsyncClient,
                                                           admin: dict[str, str]) -> None:
    """Once another active super admin exists, the first may be demoted; an inactive one does not count."""
    inactive = await session.create_user(admin, "idle@example.com", is_superuser=True, is_active=False)
    assert (await client.delete("/users/1", headers=admin)).status_code == 409
    await client.patch(f"/users/{inactive['id']}", headers=admin, json={"is_active": True})
    assert (await client.patch("/users/1", headers=admin, json={"is_superuser": False})).status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "offset=99999999999999999999999",
                                   "limit=abc"])
async def test_absurd_pagination_is_422(client: httpx.AsyncClient, admin: dict[str, str], query: str) -> None:
    """Out-of-range or non-numeric paging parameters are refused with 422, never a database error."""
    response = await client.get(f"/users?{query}", headers=admin)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


@pytest.mark.parametrize("user_id", ["0", "-1", "99999999999999999999", "abc"])
async def test_bad_user_ids_are_422(client: httpx.AsyncClient, admin: dict[str, str], user_id: str) -> None:
    """Ids outside 1..2**63-1 or not numbers are 422 (never an overflow in the driver)."""
    assert (await client.get(f"/users/{user_id}", headers=admin)).status_code == 422


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("second_change", [{"is_superuser": False}, {"is_active": False}, "delete"])
async def test_concurrent_removals_of_two_super_admins_leave_one_on_postgresql(
    app: FastAPI, session: Any, client: httpx.AsyncClient, admin: dict[str, str], database_url: str,
    second_change: Any,
) -> None:
    """With two super admins, demoting one in an open transaction makes a concurrent demotion, deactivation or
    deletion of the other wait and then get 409: never zero super admins (PostgreSQL writes concurrently)."""
    import asyncio

    import psycopg

    from api.accounts import others_remain
    from core.db._sql import to_pyformat

    other = await session.create_user(admin, "second@example.com", is_superuser=True)
    first = await psycopg.AsyncConnection.connect(database_url)  # not autocommit: one open transaction
    watcher = await psycopg.AsyncConnection.connect(database_url, autocommit=True)
    try:
        demoted = await first.execute(
            to_pyformat(f"UPDATE users SET is_superuser = ? WHERE id = ? AND {others_remain('postgresql')}"),
            (False, 1, True, True, 1),
        )
        assert demoted.rowcount == 1
        if second_change == "delete":
            second = asyncio.ensure_future(client.delete(f"/users/{other['id']}", headers=admin))
        else:
            second = asyncio.ensure_future(client.patch(f"/users/{other['id']}", headers=admin, json=second_change))
        # Until the first commits, the second must be waiting on a row lock, not finished.
        for _ in range(200):
            waiting = await (await watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )).fetchone()
            if second.done() or (waiting is not None and waiting[0] > 0):
                break
            await asyncio.sleep(0.05)
        assert not second.done(), f"the second change did not wait for the first: {second.result().status_code}"
        await first.commit()
        response = await asyncio.wait_for(second, timeout=30)
        assert (response.status_code, response.json()["code"]) == (409, "last_super_admin")
    finally:
        await first.close()
        await watcher.close()
    db = await app.state.leancore.database()
    remaining = await db.fetch_all("SELECT id FROM users WHERE is_superuser = ? AND is_active = ?", (True, True))
    assert [int(row["id"]) for row in remaining] == [other["id"]]
