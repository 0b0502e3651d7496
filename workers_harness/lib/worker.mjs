// Load worker.py inside Pyodide with its real dependencies and the real Workers Python SDK (workers-runtime-sdk).
//
// EMULATION OF THE ENTRY POINT, not workerd: the SDK imports two modules that only workerd's Python glue provides.
// They are registered here, minimally, and nothing else is stubbed:
//   _cloudflare_compat_flags   every compat flag the SDK reads, false (none of them is set in wrangler.toml)
//   _pyodide_entrypoint_helper patchWaitUntil (no-op: there is no ExecutionContext), cloudflareWorkersModule
//                              (what `cloudflare:workers` exports to the SDK: `env`, and `waitUntil`, which keeps
//                              the promises it is given so that a check can await them: `_entry.settled()`),
//                              doAnImport (refuses: no JS modules)
//   _cloudflare.import_patch_manager  register_exec_patch only, so the SDK's own anyio.to_thread patch applies
// and the glue's own job is done by the check itself: construct `Default(ctx, env)` and call `fetch` with a
// `workers.Request` wrapping a JS Request (Node's own fetch Request), or `scheduled(controller, env, ctx)`.
import { copyIntoGuest, installWheels } from "./pyodide.mjs";

export function installWorker(py, env) {
  const wheels = [...installWheels(py, "api"), ...installWheels(py, "api-wasm")];
  const registry = waitUntilRegistry();
  registerGlue(py, glueModules(env, registry));
  py.registerJsModule("_harness_wait_until", { settled: registry.settled });
  copyIntoGuest(py, ["core", "api", "worker.py"]);
  return wheels;
}

// workerd keeps a request's isolate running until every promise handed to `waitUntil` settles, after the answer
// has gone (the SDK's `workers.wait_until`: its asgi.fetch hands it a streamed body's remainder). Here the promises
// are kept, and `settled()` resolves once none is pending, which stands for "the isolate has finished the request".
function waitUntilRegistry() {
  const pending = new Set();
  return {
    waitUntil: (promise) => {
      const p = Promise.resolve(promise);
      const done = () => pending.delete(p);
      pending.add(p);
      p.then(done, done);
    },
    settled: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

// The two glue modules (name -> object), as workerd would provide them.
export function glueModules(env, { waitUntil } = waitUntilRegistry()) {
  return {
    _cloudflare_compat_flags: {
      python_workflows_implicit_dependencies: false,
      python_request_headers_preserve_commas: false,
    },
    _pyodide_entrypoint_helper: {
      patchWaitUntil: () => {},
      cloudflareWorkersModule: { env, waitUntil },
      cloudflareSocketsModule: {},
      doAnImport: async (name) => { throw new Error(`emulated entry point: cannot import JS module ${name}`); },
    },
  };
}

// Register the glue modules and apply the SDK's package patches (wheels must already be in site-packages).
export function registerGlue(py, modules) {
  for (const [name, obj] of Object.entries(modules)) py.registerJsModule(name, obj);
  // workerd also runs the SDK's package patches (the .pth loader imports them when `_cloudflare` exists): the
  // anyio.to_thread one runs blocking calls inline, as there are no threads. The SDK's own patch code is applied;
  // only its registry (`_cloudflare.import_patch_manager.register_exec_patch`) is emulated: import, then patch.
  py.runPython(`
import importlib, sys, types
def register_exec_patch(name):
    def apply(patch):
        module = importlib.import_module(name)
        with patch(module):
            pass
        return patch
    return apply
_cf = types.ModuleType("_cloudflare"); _ipm = types.ModuleType("_cloudflare.import_patch_manager")
_ipm.register_exec_patch = register_exec_patch; _cf.import_patch_manager = _ipm
sys.modules.update({"_cloudflare": _cf, "_cloudflare.import_patch_manager": _ipm})
import _workers_sdk_package_patches
`);
}
