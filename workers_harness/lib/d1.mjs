// The D1 bridge: a real local D1 database (miniflare 4 driving workerd's D1 implementation over SQLite, offline)
// whose binding object is handed to Python inside Pyodide as `env.DB`, the way a Python Worker receives it.
//
// Real: workerd's D1 API shim (argument type checks, D1_ERROR/D1_TYPE_ERROR messages, batch = one transaction,
// result/meta shapes) and SQLite. Emulated: the binding is miniflare's Node-side proxy of that binding (calls
// travel to workerd over loopback), not an in-isolate object, and Pyodide runs in Node rather than in workerd.
import { Miniflare } from "miniflare";
import { readdirSync } from "node:fs";

// workerd 1.20260426 (miniflare 4.20260426.0, wrangler 4.86's generation: the last that runs on Node 20) accepts
// compatibility dates up to its own release; D1 behaves the same across dates for what we use.
const COMPATIBILITY_DATE = "2026-04-26";

// `persistDir` (optional) keeps the SQLite file on disk (miniflare's `d1Persist`); default: in memory.
export async function startD1({ persistDir = false, databaseId = "leancore-local" } = {}) {
  const mf = new Miniflare({
    modules: true,
    // miniflare needs a Worker to host the bindings; this one is never called.
    script: "export default { async fetch() { return new Response(null, { status: 404 }); } };",
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: databaseId },
    d1Persist: persistDir,
  });
  const db = await mf.getD1Database("DB");
  return { mf, db, dispose: () => mf.dispose() };
}

// What `wrangler d1 migrations list --local` reports, computed the way wrangler 4.86 does it
// (src/d1/migrations/helpers.ts): applied = `SELECT * FROM <table> ORDER BY id` (the table wrangler creates is
// `d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT
// CURRENT_TIMESTAMP NOT NULL)`); unapplied = the sorted `*.sql` file names in migrations_dir not among them.
export async function listAppliedMigrations(db, table = "d1_migrations") {
  const exists = await db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first();
  if (exists === null) return [];
  const { results } = await db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all();
  return results;
}

export async function listUnappliedMigrations(db, migrationsDir, table = "d1_migrations") {
  const applied = new Set((await listAppliedMigrations(db, table)).map((m) => m.name));
  return readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort().filter((f) => !applied.has(f));
}
