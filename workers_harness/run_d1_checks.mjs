// Check 3 of issue 7 (its foundation): Python code inside Pyodide against a real local D1 database from miniflare,
// handed in as `env.DB`. Runs every checks/test_*.py (or the files given) with async_checks.py; each module gets a
// fresh database. Exit status 1 if any check fails.
// usage: node run_d1_checks.mjs [checks/test_x.py ...]
import { boot, copyIntoGuest, cpuTimer, forwardedEnv, HARNESS } from "./lib/pyodide.mjs";
import { startD1 } from "./lib/d1.mjs";
import { checkFiles, finish, installCheckRunner, runCheckModule } from "./lib/checks.mjs";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

const total = cpuTimer();
const files = checkFiles(join(HARNESS, "checks"));

const py = await boot({ env: forwardedEnv() });
copyIntoGuest(py, ["core"]);  // the D1 adapter (core) will be exercised from here
installCheckRunner(py);

let passed = 0, failed = 0;
for (const file of files) {
  const name = basename(file, ".py");
  py.FS.writeFile(`/harness/checks/${name}.py`, readFileSync(file));
  const d1 = await startD1();
  try {
    // `env` is what a Worker's `self.env` is: a JS object whose properties are the bindings.
    const [p, f] = await runCheckModule(py, name, { DB: d1.db });
    passed += p; failed += f;
  } catch (e) {
    failed += 1;
    console.error(`ERROR ${name}: ${e.message ?? e}`);
  } finally {
    await d1.dispose();
  }
}
finish("D1 bridge checks inside Pyodide", passed, failed, total);
