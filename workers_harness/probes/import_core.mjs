// One sample (one fresh process) of `import core` inside Pyodide: every module of core/ imported in turn, timed with
// process.cpuUsage() (whole process) and the main thread's schedstat, after boot and one event-loop turn. Prints
// one JSON object. Modules are listed from the host tree, so nothing of core is imported before the timer starts.
// Bytecode is compiled before the timer (lib/pyodide.mjs warmBytecode, as bench/_coldstart.py does on CPython), so
// the figure is the import itself. `__main__` modules are programs (`python -m core.initialization`), not part of
// `import core`: they are left out (core.initialization.__main__ alone pulls in argparse, ~100 ms in Pyodide).
import { boot, copyIntoGuest, cpuTimer, GUEST_REPO, REPO, warmBytecode } from "../lib/pyodide.mjs";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function coreModules(dir = join(REPO, "core"), name = "core") {
  const mods = [name];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      if (readdirSync(p).includes("__init__.py")) mods.push(...coreModules(p, `${name}.${entry}`));
    } else if (entry.endsWith(".py") && entry !== "__init__.py" && entry !== "__main__.py") {
      mods.push(`${name}.${entry.slice(0, -3)}`);
    }
  }
  return mods;
}

const py = await boot();
copyIntoGuest(py, ["core"]);
warmBytecode(py, [`${GUEST_REPO}/core`]);
const modules = coreModules();
py.runPython("import importlib, sys");
await new Promise((r) => setTimeout(r, 0));  // let boot's deferred JS work run before the timer starts
// Total around the whole loop; per-module CPU (each figure includes whatever that module pulls in first) to show
// where the cost is. The import function is fetched once so each timed call is just the import.
const importModule = py.runPython("importlib.import_module");
const perModule = {};
const lap = cpuTimer();
for (const m of modules) {
  const one = cpuTimer();
  importModule(m);
  perModule[m] = one().cpu_ms;
}
const t = lap();
importModule.destroy();
const loaded = py.runPython("sorted(m for m in sys.modules if m == 'core' or m.startswith('core.'))").toJs();
console.log(JSON.stringify({ ...t, modules: loaded, per_module_cpu_ms: perModule }));
