// One sample (one fresh process) of a Worker's start: CPU of the whole process (all Node threads, what Workers
// bills) and of the main thread, from the start of the measured phase to the first response. Prints one JSON line.
// usage: node worker_start.mjs nosnapshot leancore        import worker + first request (GET /system/health)
//        node worker_start.mjs nosnapshot bare R M        the same for probes/bare_worker.py with R routes, M models
//        node worker_start.mjs make-snapshot FILE         import worker (deploy time), save the memory to FILE
//        node worker_start.mjs snapshot FILE              restore FILE in this fresh process + first request
// The local D1 (miniflare; its workerd runs in a child process) is started before the measured phase, and its
// Node-side binding proxy is warmed by one query from JS (miniflare sets up its proxy client on first use: ~70 ms
// of this process's CPU that a Worker's D1 binding does not have): the database is not part of a Worker's start.
// The first request is the health check, which queries D1 from Python (timed). Bytecode is compiled before the
// timer in every mode, for leancore and the bare app alike (lib/pyodide.mjs warmBytecode).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { boot, cpuTimer, GUEST_REPO, HARNESS, warmBytecode } from "../lib/pyodide.mjs";
import { startD1 } from "../lib/d1.mjs";
import { installWorker, registerGlue } from "../lib/worker.mjs";
import { bootWorkerImage, makeWorkerSnapshot } from "../lib/snapshot.mjs";

const VARS = {
  ENVIRONMENT: "production", SECRET_KEY: "k".repeat(40), INIT_SECRET: "i".repeat(40), ADMIN_EMAIL: "admin@example.com",
  SUPER_ADMIN_PASSWORD: "correct horse battery staple",
};
// The first request, through the entry point as workerd calls it: Default(ctx, env).fetch(workers.Request).
const FIRST_REQUEST = (module) => `
import js, ${module}
from pyodide.ffi import to_js
from workers import Request
_req = js.Request.new("https://leancore.example/system/health", to_js({"method": "GET"}, dict_converter=js.Object.fromEntries))
_resp = await ${module}.Default(None, ENV).fetch(Request(_req))
_resp = getattr(_resp, "js_object", _resp)
(_resp.status, await _resp.text())
`;
// Shape of the leancore app (for the bare baseline), read from its OpenAPI document after the timed part: routes =
// operations, models = component schemas minus FastAPI's own two validation-error ones (the bare app has those too).
const SHAPE = `
import worker
_doc = worker.app.openapi()
_schemas = _doc.get("components", {}).get("schemas", {})
[sum(len(ops) for ops in _doc["paths"].values()),
 len([s for s in _schemas if s not in ("HTTPValidationError", "ValidationError")])]
`;

const [mode, ...rest] = process.argv.slice(2);
const soCopy = join(HARNESS, ".cache", "snapshot", "_pydantic_core.so");
const result = {};

async function serve(py, module) {
  const [status, body] = (await py.runPythonAsync(FIRST_REQUEST(module))).toJs();
  if (status !== 200) throw new Error(`first request: ${status} ${body}`);
}

if (mode === "make-snapshot") {
  const { py, named, modules } = await bootWorkerImage({ env: { ...VARS }, soCopy });
  registerGlue(py, modules);
  warmBytecode(py, [GUEST_REPO]);
  warmBytecode(py, []);  // site-packages
  const t = cpuTimer();
  py.runPython("import worker");
  Object.assign(result, { import_worker: t() });
  const snap = makeWorkerSnapshot(py, named);
  writeFileSync(rest[0], snap);
  result.snapshot_bytes = snap.length;
} else {
  const d1 = await startD1();
  const env = { DB: d1.db, ...VARS };
  await d1.db.prepare("SELECT 1 AS ok").first();  // warm miniflare's proxy (see the header)
  await new Promise((r) => setTimeout(r, 0));
  try {
    if (mode === "snapshot") {
      const t = cpuTimer();
      const bytes = new Uint8Array(readFileSync(rest[0]));
      const { py } = await bootWorkerImage({ restore: bytes, env, soCopy });
      py.globals.set("ENV", env);
      const restored = t();
      await serve(py, "worker");
      Object.assign(result, t(), { restore: restored });
    } else if (mode === "nosnapshot") {
      const [app, routes, models] = rest;
      const py = await boot({ env: app === "bare" ? { BARE_ROUTES: routes, BARE_MODELS: models } : {} });
      installWorker(py, env);
      if (app === "bare") {
        py.FS.mkdirTree("/probe");
        py.FS.writeFile("/probe/bare_worker.py", readFileSync(join(HARNESS, "probes", "bare_worker.py")));
        py.runPython("import sys; sys.path.insert(0, '/probe')");
      }
      warmBytecode(py, [app === "bare" ? "/probe" : GUEST_REPO]);
      warmBytecode(py, []);  // site-packages
      py.globals.set("ENV", env);
      await new Promise((r) => setTimeout(r, 0));  // boot's deferred JS work runs before the timer starts
      const t = cpuTimer();
      await serve(py, app === "bare" ? "bare_worker" : "worker");
      Object.assign(result, t());
      if (app !== "bare") [result.routes, result.models] = py.runPython(SHAPE).toJs();
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    await d1.dispose();
  }
}
console.log(JSON.stringify(result));
