// Pyodide memory snapshots of worker.py, the way Workers deploys a Python Worker: import the module once (at deploy
// time), save the Wasm memory, and start each isolate from that memory. Three things the npm pyodide package does
// not do on its own here (found by the reference harness, ../shared/reference/pyodide-harness):
//   1. pydantic_core's wasm .so must sit at the same addresses in both processes: it is loaded in a preRun hook,
//      before the C runtime starts (as workerd loads a Worker's native libraries), with the wheels already in MEMFS;
//   2. packages found in site-packages at boot are listed in pyodide.loadedPackages, which makeMemorySnapshot
//      insists is empty: cleared before the snapshot;
//   3. this build defines its memory inside the wasm, so a snapshot heap larger than a fresh boot's does not fit:
//      the exported memory is grown right after instantiation.
// JS objects Python holds (the SDK's emulated glue modules, env) are saved by name and handed back on restore.
import { loadPyodide } from "pyodide";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { GUEST_REPO, REPO, WHEELS } from "./pyodide.mjs";
import { glueModules } from "./worker.mjs";

const SITE = "/lib/python3.14/site-packages";

// The entries of a zip (stored or deflated), from its central directory.
function* zipEntries(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let end = buf.length - 22;
  while (dv.getUint32(end, true) !== 0x06054b50) end--;
  let p = dv.getUint32(end + 16, true);
  for (let n = dv.getUint16(end + 10, true); n > 0; n--) {
    const method = dv.getUint16(p + 10, true), size = dv.getUint32(p + 20, true), local = dv.getUint32(p + 42, true);
    const nameLen = dv.getUint16(p + 28, true);
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
    if (name.endsWith("/")) continue;
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    const raw = buf.subarray(start, start + size);
    yield [name, method === 0 ? raw : new Uint8Array(inflateRawSync(raw))];
  }
}

function writeTree(FS, host, guest) {
  if (statSync(host).isDirectory()) {
    FS.mkdirTree(guest);
    for (const name of readdirSync(host)) if (name !== "__pycache__") writeTree(FS, join(host, name), `${guest}/${name}`);
  } else {
    FS.writeFile(guest, new Uint8Array(readFileSync(host)));
  }
}

// Boot Pyodide with the api's wheels and the repo's core/, api/, worker.py already in MEMFS and pydantic_core's
// .so loaded before the runtime starts. `restore`: snapshot bytes to start from; `env`: what Python gets as env.
export async function bootWorkerImage({ restore = null, env = {}, soCopy }) {
  const wheels = ["api", "api-wasm"].flatMap((g) => readdirSync(join(WHEELS, g)).filter((f) => f.endsWith(".whl"))
    .sort().map((f) => new Uint8Array(readFileSync(join(WHEELS, g, f)))));
  let soPath = null;
  const { default: createPyodideModule } = await import("pyodide/pyodide.asm.mjs");
  const opts = {
    env: { HOME: "/home/pyodide" },
    createPyodideModule: async (settings) => {
      settings.preRun = [...(settings.preRun || []), (M) => {
        for (const whl of wheels) {
          for (const [name, data] of zipEntries(whl)) {
            const path = `${SITE}/${name}`;
            M.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
            M.FS.writeFile(path, data);
            if (name.endsWith(".so")) {
              soPath = path;
              writeFileSync(soCopy, data);
            }
          }
        }
        for (const rel of ["core", "api", "worker.py"]) writeTree(M.FS, join(REPO, rel), `${GUEST_REPO}/${rel}`);
        // Before the runtime is up, Emscripten reads a library through locateFile + a host read, not its FS.
        const orig = M.locateFile;
        M.locateFile = (p, dir) => (p === soPath ? soCopy : orig ? orig(p, dir) : dir + p);
        M.loadDynamicLibrary(soPath, { loadAsync: false, global: true, nodelete: true, allowUndefined: true });
        M.locateFile = orig;
      }];
      return createPyodideModule(settings);
    },
  };
  const modules = glueModules(env);
  const named = namedObjects(env, modules);
  if (restore !== null) {
    opts._loadSnapshot = restore;
    opts._snapshotDeserializer = (name) => {
      if (!named.has(name)) throw new Error(`snapshot refers to an unknown JS object ${name}`);
      return named.get(name);
    };
    const header = new Uint32Array(restore.buffer, restore.byteOffset, 4);
    const heapBytes = restore.length - header[1];
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = async (...args) => {
      const result = await instantiate(...args);
      const memory = (result.instance ?? result).exports?.memory;
      if (memory instanceof WebAssembly.Memory && memory.buffer.byteLength < heapBytes) {
        memory.grow(Math.ceil((heapBytes - memory.buffer.byteLength) / 65536));
      }
      return result;
    };
    try {
      return { py: await loadPyodide(opts), named, modules };
    } finally {
      WebAssembly.instantiate = instantiate;
    }
  }
  opts._makeSnapshot = true;
  const py = await loadPyodide(opts);
  py.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(GUEST_REPO)})`);
  return { py, named, modules };
}

// name -> object for every JS object the worker's Python side may hold across the snapshot.
function namedObjects(env, modules) {
  const named = new Map([["env", env]]);
  for (const [mod, obj] of Object.entries(modules)) {
    named.set(mod, obj);
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === "object" || typeof value === "function") named.set(`${mod}.${key}`, value);
    }
  }
  return named;
}

// After `import worker` (glue modules registered from `named`): the snapshot bytes.
export function makeWorkerSnapshot(py, named) {
  for (const key of Object.keys(py.loadedPackages)) delete py.loadedPackages[key];
  const names = new Map([...named].map(([name, obj]) => [obj, name]));
  return py.makeMemorySnapshot({
    serializer: (obj) => {
      if (!names.has(obj)) throw new Error(`cannot snapshot a reference to an unnamed JS object: ${obj}`);
      return names.get(obj);
    },
  });
}
