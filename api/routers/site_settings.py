"""``/settings``: the site settings (JSON values by key): readable by anyone, changed by super admins.

``PATCH`` merges: each given key is set, a ``null`` value removes the key; all in one atomic batch.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
import json
from typing import Any

from api import _core
from api.deps import DB, Context, SuperAdmin
from api.errors import ApiError
from api.routers._table import RouteTable
from api.schemas import SiteSettings, SiteSettingsPatch, error_responses
from api.site_flags import BOOLEAN_SETTINGS

router = RouteTable(prefix="/settings", tags=["settings"])
_UPSERT = (
    "INSERT INTO site_settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = ?"
)


async def _read(db: Any) -> dict[str, Any]:
    rows = await db.fetch_all("SELECT key, value FROM site_settings ORDER BY key")
    return {str(row["key"]): json.loads(row["value"]) for row in rows}


@router.get("", response_model=SiteSettings, responses=error_responses(503))
async def get_settings(db: DB) -> Any:
    """Every site setting."""
    return await _read(db)


@router.patch("", response_model=SiteSettings,
              responses=error_responses(401, 403, 422, 503))
async def update_settings(body: SiteSettingsPatch, _: SuperAdmin, context: Context, db: DB) -> Any:
    """Set the given keys (``null`` removes one) and return every setting. ``registration_open`` and
    ``maintenance_mode`` take ``true`` or ``false`` only; they apply on this process at once, on others within
    5 seconds."""
    for key in BOOLEAN_SETTINGS.intersection(body):
        if not isinstance(body[key], bool) and body[key] is not None:
            raise ApiError(422, "validation_error", f"body.{key}: must be true or false", loc=["body", key])
    now = _core.db.now_text()
    statements: list[tuple[str, tuple[Any, ...]]] = []
    for key, value in body.items():
        if value is None:
            statements.append(("DELETE FROM site_settings WHERE key = ?", (key,)))
        else:
            encoded = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
            statements.append((_UPSERT, (key, encoded, now)))
    await db.batch(statements)
    context.flags.forget()
    return await _read(db)
