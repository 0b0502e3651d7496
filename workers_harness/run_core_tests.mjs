// Check 1 of issue 7: core's unit test suite (tests/core, every file, picked up by pytest's own discovery) run by
// pytest + hypothesis inside Pyodide 314. Exit status = pytest's. Extra arguments go to pytest (paths relative to
// the repository root, e.g. tests/core/test_x.py, replace the default tests/core).
// usage: node run_core_tests.mjs [pytest args...]
import { boot, copyIntoGuest, cpuTimer, forwardedEnv, GUEST_REPO, HARNESS, installWheels } from "./lib/pyodide.mjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const total = cpuTimer();
const py = await boot({
  // LEANCORE_EXPECT_ONLY: as in the core-pyXY tox envs, test_stdlib_only checks nothing else is installed.
  env: { ...forwardedEnv(), LEANCORE_EXPECT_ONLY: "pytest,hypothesis" },
});
const booted = total();
const wheels = installWheels(py, "test");
// Unit tests may read the shared test vectors (compat_tests/data/) and generator scripts (tools/); the differential
// tests themselves stay out (their oracles are CPython packages).
copyIntoGuest(py, ["pyproject.toml", "core", "tests", "compat_tests/data", "tools"]);
py.FS.mkdirTree("/harness");
py.FS.writeFile("/harness/pyodide_pytest_plugin.py", readFileSync(join(HARNESS, "pyodide_pytest_plugin.py")));
// The whole of tests/core unless test paths are given.
const args = process.argv.slice(2);
py.globals.set("PYTEST_ARGS", py.toPy(args.some((a) => a.startsWith("tests/")) ? args : ["tests/core", ...args]));
const status = py.runPython(`
import os, sys
sys.path.insert(0, "/harness")
os.chdir(${JSON.stringify(GUEST_REPO)})
import pytest
int(pytest.main(["-p", "pyodide_pytest_plugin", "-p", "no:cacheprovider", *PYTEST_ARGS]))
`);
const t = total();
console.log(JSON.stringify({
  check: "core unit tests inside Pyodide", exit_status: status, wheels: wheels.length,
  boot_cpu_ms: booted.cpu_ms, total_cpu_ms: t.cpu_ms, total_wall_ms: t.wall_ms,
}));
process.exit(status);
