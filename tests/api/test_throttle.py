"""api.throttle: database-backed fixed windows (atomic hits, window rollover, pruning, refunds), exponential backoff,
client and account keys, and the three login limits and two init limits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.throttle import (
    INIT_GLOBAL_LIMIT,
    INIT_LIMIT,
    LOGIN_ACCOUNT_BACKOFF,
    LOGIN_CLIENT_LIMIT,
    LOGIN_LIMIT,
    Backoff,
    Limit,
    RateLimiter,
    account_key,
    client_key,
)

pytestmark = pytest.mark.anyio
ADMIN, ADMIN_PASSWORD = "admin@example.com", "correct horse battery"  # the deployment of tests/api/conftest.py


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_login_is_throttled_after_five_failures_per_client_and_email(session: Any) -> None:
    """The 6th attempt within 5 minutes gets 429 with Retry-After, even with the right password."""
    for _ in range(LOGIN_LIMIT.attempts):
        assert (await session.login(password="wrong")).status_code == 401
    response = await session.login()
    assert (response.status_code, response.json()["code"]) == (429, "too_many_attempts")
    assert 1 <= int(response.headers["retry-after"]) <= LOGIN_LIMIT.window_seconds
    assert (await session.login("other@example.com", "x")).status_code == 401  # another email: own counter


async def test_success_clears_the_failure_count(session: Any) -> None:
    """Four failures, a success, then five more failures are allowed before the throttle."""
    for _ in range(4):
        await session.login(password="wrong")
    assert (await session.login()).status_code == 200
    for _ in range(5):
        assert (await session.login(password="wrong")).status_code == 401


async def test_window_rollover_and_pruning(app: FastAPI) -> None:
    """A new window restarts the count at 1, and rows of ended windows are deleted."""
    db = await app.state.leancore.database()
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock)
    limit = Limit(attempts=2, window_seconds=10)
    assert [(await limiter.hit(db, "k", limit)).allowed for _ in range(3)] == [True, True, False]
    assert (await limiter.hit(db, "k", limit)).retry_after == 10
    clock.now += 10
    verdict = await limiter.hit(db, "k", limit)
    assert (verdict.allowed, verdict.hits) == (True, 1)
    await limiter.hit(db, "old", limit)
    clock.now += 100
    await limiter.hit(db, "new", limit)
    assert [r["key"] for r in await db.fetch_all("SELECT key FROM rate_limits ORDER BY key")] == ["new"]


async def test_concurrent_hits_are_all_counted(app: FastAPI) -> None:
    """Twenty simultaneous hits on one key count to exactly twenty (one atomic UPSERT each)."""
    db = await app.state.leancore.database()
    limiter = RateLimiter()
    verdicts = await asyncio.gather(*(limiter.hit(db, "burst", Limit(5, 60)) for _ in range(20)))
    assert sorted(v.hits for v in verdicts) == list(range(1, 21))
    assert sum(v.allowed for v in verdicts) == 5


async def test_the_throttle_is_shared_by_two_apps_on_one_database(app: FastAPI, settings: Any) -> None:
    """Two app instances (two processes' worth of state) over one database share the login counter."""
    from api import create_app

    other = create_app(settings)
    transports = [httpx.ASGITransport(app=a) for a in (app, other)]
    clients = [httpx.AsyncClient(transport=t, base_url="http://t") for t in transports]
    form = {"username": "admin@example.com", "password": "wrong"}
    codes = [(await clients[i % 2].post("/auth/login", data=form)).status_code for i in range(7)]
    assert codes == [401] * 5 + [429] * 2
    for c in clients:
        await c.aclose()
    await other.state.leancore.close()


def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    """An HTTP client whose requests reach ``app`` from the socket address ``address``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://t")


async def failed_login(http: httpx.AsyncClient, email: str = ADMIN) -> httpx.Response:
    return await http.post("/auth/login", data={"username": email, "password": "wrong"})


@pytest.mark.parametrize(("address", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("fe80::1%eth0", "fe80::/64"),
    ("not:an:address", "not:an:address"),
    ("x" * 100, "x" * 64),
])
def test_client_key_groups_an_ipv6_64_and_unmaps_ipv4(address: str, key: str) -> None:
    """IPv6 clients are keyed by their /64 (IPv4-mapped ones by the IPv4 address); other text is cut to 64."""
    assert client_key(address) == key


def test_account_key_ignores_case() -> None:
    """Two spellings of one address differing in case are one account key."""
    assert account_key("Admin@Example.com") == account_key("ADMIN@example.com") == "admin@example.com"


def test_backoff_waits_double_after_the_free_attempts_up_to_the_cap() -> None:
    """No wait for the free attempts, then 1, 2, 4 ... seconds, never more than max_seconds."""
    backoff = Backoff(free=3, base_seconds=1, max_seconds=10, reset_seconds=60)
    assert [backoff.wait(n) for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 10, 10, 10]
    assert backoff.wait(10**6) == 10


async def test_backoff_sql_agrees_with_wait(app: FastAPI) -> None:
    """The SQL form of the login backoff gives the same wait as the Python one, on each dialect."""
    db = await app.state.leancore.database()
    for hits in range(25):
        row = await db.fetch_one(f"SELECT {LOGIN_ACCOUNT_BACKOFF.wait_sql(str(hits))} AS w")
        assert row is not None
        assert int(row["w"]) == LOGIN_ACCOUNT_BACKOFF.wait(hits), hits


async def test_backoff_refuses_until_the_wait_is_over_without_extending_it(app: FastAPI) -> None:
    """Past the free hits each hit waits its turn; refused hits are not counted, so the wait does not grow."""
    db = await app.state.leancore.database()
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock)
    backoff = Backoff(free=2, base_seconds=1, max_seconds=4, reset_seconds=100)
    assert [(await limiter.back_off(db, "a", backoff)).allowed for _ in range(3)] == [True, True, False]
    refused = await limiter.back_off(db, "a", backoff)
    assert (refused.allowed, refused.hits, refused.retry_after) == (False, 2, 1)
    clock.now += 1
    assert (await limiter.back_off(db, "a", backoff)).hits == 3  # waited 1 s: counted
    for _ in range(50):  # hammering while the 2 s wait runs: never counted
        assert not (await limiter.back_off(db, "a", backoff)).allowed
    clock.now += 2
    assert (await limiter.back_off(db, "a", backoff)).hits == 4
    clock.now += 3
    assert not (await limiter.back_off(db, "a", backoff)).allowed  # 4 s now (the cap)
    clock.now += 1
    assert (await limiter.back_off(db, "a", backoff)).hits == 5
    assert (await limiter.back_off(db, "a", backoff)).retry_after == 4  # capped: 2**3 would be 8


async def test_backoff_streak_ends_after_reset_seconds(app: FastAPI) -> None:
    """A streak with no counted hit for reset_seconds is forgotten: the next hit counts as the first."""
    db = await app.state.leancore.database()
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock)
    backoff = Backoff(free=1, base_seconds=5, max_seconds=5, reset_seconds=30)
    await limiter.back_off(db, "b", backoff)
    assert not (await limiter.back_off(db, "b", backoff)).allowed
    clock.now += 30
    verdict = await limiter.back_off(db, "b", backoff)
    assert (verdict.allowed, verdict.hits) == (True, 1)


async def test_a_refund_takes_back_one_hit_of_its_own_window_only(app: FastAPI) -> None:
    """refund lowers the count of the window the hit was made in; after that window it changes nothing."""
    db = await app.state.leancore.database()
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock)
    limit = Limit(attempts=2, window_seconds=10)
    first = await limiter.hit(db, "r", limit)
    await limiter.hit(db, "r", limit)
    await limiter.refund(db, "r", first)
    assert (await limiter.hit(db, "r", limit)).hits == 2
    clock.now += 10
    await limiter.hit(db, "r", limit)
    await limiter.refund(db, "r", first)  # an earlier window's hit: nothing to take back
    assert (await limiter.hit(db, "r", limit)).hits == 2


async def test_changing_the_case_of_the_email_shares_one_counter(session: Any) -> None:
    """Failures on Admin@…, ADMIN@…, admin@… count together: the sixth spelling still gets 429."""
    spellings = ["Admin@example.com", "ADMIN@example.com", "aDmin@example.com", "adMin@EXAMPLE.com",
                 "admIn@example.com", "admin@example.com"]
    codes = [(await session.login(email, "wrong")).status_code for email in spellings]
    assert codes == [401] * LOGIN_LIMIT.attempts + [429]


async def test_rotating_emails_from_one_client_hit_the_client_limit(app: FastAPI) -> None:
    """One address trying a new email each time gets 429 after the per-client allowance, whatever the email."""
    async with client_from(app, "203.0.113.7") as http:
        codes = [(await failed_login(http, f"user{i}@example.com")).status_code
                 for i in range(LOGIN_CLIENT_LIMIT.attempts + 1)]
        refused = await failed_login(http, "yet-another@example.com")
    assert codes == [401] * LOGIN_CLIENT_LIMIT.attempts + [429]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= LOGIN_CLIENT_LIMIT.window_seconds
    async with client_from(app, "203.0.113.8") as http:  # another address has its own allowance
        assert (await failed_login(http, "user0@example.com")).status_code == 401


async def test_one_account_from_rotating_addresses_hits_the_account_backoff(app: FastAPI) -> None:
    """Failures on one account from a new address each time are refused after the free attempts, with a
    Retry-After no longer than the backoff cap; the right password from a new address waits too."""
    clock = Clock(1_000_000.0)
    app.state.leancore.limiter.clock = clock
    codes = []
    for i in range(LOGIN_ACCOUNT_BACKOFF.free + 1):
        async with client_from(app, f"198.51.100.{i}") as http:
            codes.append((await failed_login(http, "Admin@Example.com" if i % 2 else ADMIN)).status_code)
    assert codes == [401] * LOGIN_ACCOUNT_BACKOFF.free + [429]
    async with client_from(app, "198.51.100.200") as http:
        right = await http.post("/auth/login", data={"username": ADMIN, "password": ADMIN_PASSWORD})
        assert right.status_code == 429
        assert 1 <= int(right.headers["retry-after"]) <= LOGIN_ACCOUNT_BACKOFF.max_seconds
        clock.now += LOGIN_ACCOUNT_BACKOFF.max_seconds  # the bound: at most this long after the last counted try
        right = await http.post("/auth/login", data={"username": ADMIN, "password": ADMIN_PASSWORD})
        assert right.status_code == 200


async def test_a_successful_login_clears_the_account_streak_and_refunds_the_client(app: FastAPI) -> None:
    """After a success the account starts a fresh streak and the client's allowance got its attempt back."""
    clock = Clock(1_000_000.0)
    app.state.leancore.limiter.clock = clock
    for i in range(LOGIN_ACCOUNT_BACKOFF.free - 1):
        async with client_from(app, f"198.51.100.{i}") as http:
            assert (await failed_login(http)).status_code == 401
    async with client_from(app, "203.0.113.9") as http:
        for _ in range(LOGIN_CLIENT_LIMIT.attempts):  # every one a success: all refunded
            assert (await http.post("/auth/login", data={"username": ADMIN,
                                                         "password": ADMIN_PASSWORD})).status_code == 200
        codes = [(await failed_login(http, f"user{i}@example.com")).status_code
                 for i in range(LOGIN_CLIENT_LIMIT.attempts)]
        assert codes == [401] * LOGIN_CLIENT_LIMIT.attempts
    for i in range(LOGIN_ACCOUNT_BACKOFF.free):
        async with client_from(app, f"192.0.2.{i}") as http:
            assert (await failed_login(http)).status_code == 401


async def test_addresses_in_one_ipv6_64_share_the_login_counter(app: FastAPI) -> None:
    """Rotating the low 64 bits of an IPv6 address does not open a new per-client+account counter."""
    codes = []
    for i in range(LOGIN_LIMIT.attempts + 1):
        async with client_from(app, f"2001:db8:5:6::{i + 1:x}") as http:
            codes.append((await failed_login(http)).status_code)
    assert codes == [401] * LOGIN_LIMIT.attempts + [429]


async def test_init_is_limited_per_client_and_in_all(app: FastAPI) -> None:
    """One address gets 429 after the per-client allowance; rotating addresses get 429 after the global one."""
    wrong = {"X-Init-Secret": "wrong"}
    async with client_from(app, "203.0.113.7") as http:
        codes = [(await http.post("/system/initialize-database", headers=wrong)).status_code
                 for _ in range(INIT_LIMIT.attempts + 1)]
    assert codes == [403] * INIT_LIMIT.attempts + [429]
    codes = []
    for i in range(INIT_GLOBAL_LIMIT.attempts - INIT_LIMIT.attempts):
        async with client_from(app, f"198.51.100.{i}") as http:
            codes.append((await http.post("/system/initialize-database", headers=wrong)).status_code)
    assert set(codes) == {403}
    async with client_from(app, "192.0.2.1") as http:
        refused = await http.post("/system/initialize-database", headers=wrong)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(refused.headers["retry-after"]) <= INIT_GLOBAL_LIMIT.window_seconds


def test_openapi_lists_429_with_retry_after_on_every_throttled_route() -> None:
    """The login, sign-up, reset request and init, and no other route, document a 429 ErrorBody with a required
    Retry-After of whole seconds."""
    from api import create_app

    document = create_app().openapi()
    throttled = {(method.upper(), path): operation["responses"]["429"]
                 for path, operations in document["paths"].items() for method, operation in operations.items()
                 if "429" in operation["responses"]}
    assert set(throttled) == {("POST", "/auth/login"), ("POST", "/auth/register"), ("POST", "/auth/password-reset"),
                              ("POST", "/system/initialize-database")}
    for response in throttled.values():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
        assert response["headers"]["Retry-After"]["required"] is True
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
