// What run_d1_checks.mjs and run_worker_checks.mjs share: which check files to run, installing async_checks.py and
// the `harness` helper module into a Pyodide, running one check module with a Worker `env`, and the summary line.
import { HARNESS, REPO } from "./pyodide.mjs";
import { listAppliedMigrations, listUnappliedMigrations } from "./d1.mjs";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// The files named on the command line, else every test_*.py in `dir`, sorted.
export function checkFiles(dir) {
  return process.argv.length > 2
    ? process.argv.slice(2).map((f) => resolve(f))
    : readdirSync(dir).filter((f) => /^test_.*\.py$/.test(f)).sort().map((f) => join(dir, f));
}

// async_checks.py and /harness/checks on sys.path, and the helpers a check can import (`import harness`):
// wrangler's view of the migrations table, for comparing with what core applied. Paths are relative to the
// repository root.
export function installCheckRunner(py) {
  py.FS.mkdirTree("/harness/checks");
  py.FS.writeFile("/harness/async_checks.py", readFileSync(join(HARNESS, "async_checks.py")));
  py.runPython("import sys; sys.path[:0] = ['/harness', '/harness/checks']");
  py.registerJsModule("harness", {
    list_applied_migrations: (db, table) => listAppliedMigrations(db, table),
    list_unapplied_migrations: (db, dir, table) => listUnappliedMigrations(db, resolve(REPO, dir), table),
  });
}

// Runs check module `name` (already written into /harness/checks) with `env` as the Worker's env: [passed, failed].
export async function runCheckModule(py, name, env) {
  py.globals.set("ENV", env);
  py.globals.set("MODULE_NAME", name);
  return (await py.runPythonAsync(`
import importlib, async_checks
RESULT = await async_checks.run_module(importlib.import_module(MODULE_NAME), ENV)
RESULT`)).toJs();
}

// One JSON summary line; exit status 1 unless something ran and nothing failed.
export function finish(check, passed, failed, timer) {
  const t = timer();
  console.log(JSON.stringify({ check, passed, failed, total_cpu_ms: t.cpu_ms, total_wall_ms: t.wall_ms }));
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
