// Check 3 of issue 7 (its foundation): Python code inside Pyodide against a real local D1 database from miniflare,
// handed in as `env.DB`. Runs every checks/test_*.py (or the files given) with async_checks.py; each module gets a
// fresh database. Exit status 1 if any check fails.
// usage: node run_d1_checks.mjs [checks/test_x.py ...]
import { boot, copyIntoGuest, cpuTimer, forwardedEnv, HARNESS, REPO } from "./lib/pyodide.mjs";
import { listAppliedMigrations, listUnappliedMigrations, startD1 } from "./lib/d1.mjs";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

const total = cpuTimer();
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(join(HARNESS, "checks")).filter((f) => /^test_.*\.py$/.test(f)).sort().map((f) => join(HARNESS, "checks", f));

const py = await boot({ env: forwardedEnv() });
copyIntoGuest(py, ["core"]);  // the D1 adapter (core) will be exercised from here
py.FS.mkdirTree("/harness/checks");
py.FS.writeFile("/harness/async_checks.py", readFileSync(join(HARNESS, "async_checks.py")));
py.runPython("import sys; sys.path[:0] = ['/harness', '/harness/checks']");

let passed = 0, failed = 0;
for (const file of files) {
  const name = basename(file, ".py");
  py.FS.writeFile(`/harness/checks/${name}.py`, readFileSync(file));
  const d1 = await startD1();
  try {
    // Helpers a check can import (`import harness`): wrangler's view of the migrations table, for comparing with
    // what core applied. Paths are relative to the repository root.
    py.registerJsModule("harness", {
      list_applied_migrations: (db, table) => listAppliedMigrations(db, table),
      list_unapplied_migrations: (db, dir, table) => listUnappliedMigrations(db, resolve(REPO, dir), table),
    });
    // `env` is what a Worker's `self.env` is: a JS object whose properties are the bindings.
    py.globals.set("ENV", { DB: d1.db });
    py.globals.set("MODULE_NAME", name);
    const [p, f] = (await py.runPythonAsync(`
import importlib, async_checks
RESULT = await async_checks.run_module(importlib.import_module(MODULE_NAME), ENV)
RESULT`)).toJs();
    passed += p; failed += f;
  } catch (e) {
    failed += 1;
    console.error(`ERROR ${name}: ${e.message ?? e}`);
  } finally {
    await d1.dispose();
  }
}
const t = total();
console.log(JSON.stringify({ check: "D1 bridge checks inside Pyodide", passed, failed, total_cpu_ms: t.cpu_ms, total_wall_ms: t.wall_ms }));
process.exit(failed === 0 && passed > 0 ? 0 : 1);
