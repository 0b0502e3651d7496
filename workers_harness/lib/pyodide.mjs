// Shared helpers: boot Pyodide (npm pyodide@314.0.7, offline), copy repo code into its in-memory FS, install the
// cached wheels, and time phases with process CPU. Every runner in this folder builds on these.
import { loadPyodide } from "pyodide";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const HARNESS = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = resolve(HARNESS, "..");
export const WHEELS = join(HARNESS, ".cache", "wheels");
// Where repo code lives inside Pyodide. A MEMFS copy rather than a NODEFS mount: nothing Python does in there
// (pytest/hypothesis caches, bytecode) can reach the host tree, i.e. the repo is read-only to the guest.
export const GUEST_REPO = "/repo";

// CPU of the whole process (all Node threads: V8 compiler/GC helpers included) and of the main thread alone
// (/proc/self/task/<pid>/schedstat, ns; Linux only -> null elsewhere). Workers bills CPU, so CPU is what we time.
export function mainThreadNs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

export function cpuTimer() {
  const c0 = process.cpuUsage(), m0 = mainThreadNs(), w0 = performance.now();
  return () => {
    const d = process.cpuUsage(c0), m = mainThreadNs();
    return {
      cpu_ms: +((d.user + d.system) / 1000).toFixed(2),
      main_ms: m0 === null || m === null ? null : +((m - m0) / 1e6).toFixed(2),
      wall_ms: +(performance.now() - w0).toFixed(2),
    };
  };
}

// Boot with Python's stdout/stderr written through unbuffered (Pyodide's default is line-batched, which splits
// pytest's progress dots one per line). `env` becomes os.environ inside Python (the host's is not inherited).
export async function boot({ env = {} } = {}) {
  const py = await loadPyodide({ env: { HOME: "/home/pyodide", ...env } });
  const raw = (stream) => ({ write: (buf) => { stream.write(buf); return buf.length; } });
  py.setStdout(raw(process.stdout));
  py.setStderr(raw(process.stderr));
  return py;
}

// Copy host directories/files (relative to the repo) into GUEST_REPO, skipping caches; paths that do not exist
// (yet) are skipped.
const SKIP = new Set(["__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"]);
export function copyIntoGuest(py, relPaths) {
  const copy = (host, guest) => {
    const st = statSync(host, { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.isDirectory()) {
      py.FS.mkdirTree(guest);
      for (const name of readdirSync(host).sort()) if (!SKIP.has(name)) copy(join(host, name), `${guest}/${name}`);
    } else if (st.isFile()) {
      py.FS.writeFile(guest, new Uint8Array(readFileSync(host)));
    }
  };
  py.FS.mkdirTree(GUEST_REPO);
  for (const rel of relPaths) copy(join(REPO, rel), `${GUEST_REPO}/${rel}`);
  py.runPython(`import importlib, sys
sys.path.insert(0, ${JSON.stringify(GUEST_REPO)})
importlib.invalidate_caches()`);
}

// Unpack every cached wheel of a group (see fetch_wheels.py) into site-packages: what pip would do for pure-Python
// wheels, minus entry-point scripts. No micropip: nothing to resolve (all pins are explicit) and nothing to fetch.
export function installWheels(py, group) {
  const dir = join(WHEELS, group);
  let files;
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".whl")).sort();
  } catch {
    files = [];
  }
  if (files.length === 0) throw new Error(`no wheels in ${dir}: run \`python workers_harness/fetch_wheels.py\` first`);
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  for (const f of files) py.unpackArchive(new Uint8Array(readFileSync(join(dir, f))), "zip", { extractDir: sitePackages });
  py.runPython("import importlib; importlib.invalidate_caches()");
  return files;
}

// Host environment variables worth forwarding into the guest (hypothesis profile selection).
export function forwardedEnv(names = ["CI", "HYPOTHESIS_PROFILE"]) {
  return Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));
}

// Bytecode treatment of every timed probe (import-core, snapshot, nosnapshot; both sides of a comparison alike):
// the guest's .py files are compiled to __pycache__/*.pyc BEFORE the timer starts, as bench/_coldstart.py warms
// CPython's bytecode cache "as on a deployed server". Pyodide's own stdlib already ships as .pyc (python314.zip);
// without this, each fresh process would also time compiling fastapi/pydantic/core from source, which no deployed
// Worker does per start (Workers imports at deploy time, then restores the snapshot). Untimed; call before cpuTimer.
export function warmBytecode(py, dirs) {
  py.runPython(`import compileall, site, sys
for _d in ${JSON.stringify(dirs)} or site.getsitepackages():
    compileall.compile_dir(_d, quiet=2, workers=1)
`);
}
