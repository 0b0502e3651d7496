// Checks 2-4 of issue 7: worker.py inside Pyodide with its real dependencies (FastAPI, pydantic with
// pydantic_core's wasm wheel) and the real workers-runtime-sdk, served through `worker.Default.fetch` (an emulation
// of the entry point: lib/worker.mjs), over a real local D1 from miniflare as env.DB. Runs every
// worker_checks/test_*.py with async_checks.py, a fresh database per file. Exit status 1 if any check fails.
// usage: node run_worker_checks.mjs [worker_checks/test_x.py ...]
import { boot, cpuTimer, forwardedEnv, HARNESS } from "./lib/pyodide.mjs";
import { startD1 } from "./lib/d1.mjs";
import { checkFiles, finish, installCheckRunner, runCheckModule } from "./lib/checks.mjs";
import { installWorker } from "./lib/worker.mjs";
import { startWebhook } from "./lib/webhook.mjs";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

// The Worker's vars and secrets in these checks (wrangler.toml [vars] + `wrangler secret put`). PASSWORD_ROUNDS is
// lowered so the checks stay quick; the policy rounds' cost is measured by measure.mjs (login-pbkdf2).
export const WORKER_VARS = {
  ENVIRONMENT: "production",
  ACCESS_TOKEN_EXPIRE_MINUTES: "30",
  PASSWORD_ROUNDS: "1000",
  SECRET_KEY: "k".repeat(40),
  INIT_SECRET: "i".repeat(40),
  ADMIN_EMAIL: "admin@example.com",
  SUPER_ADMIN_PASSWORD: "correct horse battery staple",
};

// Vars a check file needs on top of WORKER_VARS (by file name), given the file's webhook receiver: the features it
// checks are off unless a deployment sets them. Every file gets a receiver (`import webhook`); only these point
// the Worker at it.
const FILE_VARS = {
  test_worker_accounts: (hook) => ({
    PASSWORD_RESET_WEBHOOK_URL: hook.url,
    CORS_ORIGINS: "https://app.example.com",
  }),
};

const total = cpuTimer();
const dir = join(HARNESS, "worker_checks");
const files = checkFiles(dir);

let passed = 0, failed = 0;
for (const file of files) {
  const name = basename(file, ".py");
  const d1 = await startD1();
  const hook = await startWebhook();
  // One Pyodide per file: worker.py's module state (the configured app) must not leak between databases.
  const env = { DB: d1.db, ...WORKER_VARS, ...FILE_VARS[name]?.(hook) };
  const py = await boot({ env: forwardedEnv() });
  try {
    installWorker(py, env);
    installCheckRunner(py);
    py.registerJsModule("webhook", hook.module);
    py.FS.writeFile(`/harness/checks/${name}.py`, readFileSync(file));
    py.FS.writeFile("/harness/checks/_entry.py", readFileSync(join(dir, "_entry.py")));
    const [p, f] = await runCheckModule(py, name, env);
    passed += p; failed += f;
  } catch (e) {
    failed += 1;
    console.error(`ERROR ${name}: ${e.message ?? e}`);
  } finally {
    await hook.close();
    await d1.dispose();
  }
}
finish("worker.py in Pyodide over a local D1", passed, failed, total);
