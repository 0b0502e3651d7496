// Check 1 of issue 7: core's unit test suite (tests/core, every file, picked up by pytest's own discovery) run by
// pytest + hypothesis inside Pyodide 314. Exit status = pytest's. Extra arguments go to pytest.
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
copyIntoGuest(py, ["pyproject.toml", "core", "tests"]);
py.FS.mkdirTree("/harness");
py.FS.writeFile("/harness/pyodide_pytest_plugin.py", readFileSync(join(HARNESS, "pyodide_pytest_plugin.py")));
py.globals.set("PYTEST_ARGS", py.toPy(process.argv.slice(2)));
const status = py.runPython(`
import os, sys
sys.path.insert(0, "/harness")
os.chdir(${JSON.stringify(GUEST_REPO)})
import pytest
int(pytest.main(["tests/core", "-p", "pyodide_pytest_plugin", "-p", "no:cacheprovider", *PYTEST_ARGS]))
`);
const t = total();
console.log(JSON.stringify({
  check: "core unit tests inside Pyodide", exit_status: status, wheels: wheels.length,
  boot_cpu_ms: booted.cpu_ms, total_cpu_ms: t.cpu_ms, total_wall_ms: t.wall_ms,
}));
process.exit(status);
