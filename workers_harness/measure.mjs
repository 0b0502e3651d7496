// Figures for bench/ (issue 7's budgets), one JSON line per figure on stdout, under the ids budgets.toml declares:
//   {"id": ..., "value": <median whole-process CPU ms>, "unit": "ms", "runs": N, "main_ms": <median>, "samples": [...]}
// Each sample is a fresh Node process (probes/*.mjs), run one after another so samples do not compete for the cores.
// value = median whole-process CPU (all Node threads: what Workers bills), main_ms = the main thread's median
// (pbkdf2-paths: the fastest call of each side, see there).
// usage: node measure.mjs [--runs N] [--bcrypt-cost C] [figure ...]
//   import-core     workers.import_core                    every core module imported inside Pyodide
//   snapshot        workers.snapshot.first_request         restore a snapshot taken after `import worker`, then the
//                                                          first request through worker.Default.fetch
//   nosnapshot      workers.nosnapshot.first_request.{leancore,bare}   import + first request, interleaved samples
//   login-pbkdf2    workers.login.pbkdf2_600k              verify_password at the policy rounds (core's default path)
//   pbkdf2-paths    workers.pbkdf2_600k.paired.{default,copy,for_loop}   PBKDF2 at 600,000 rounds by core's default
//                                                          path, the copy loop and a for loop over _hmac, alternating
//                                                          in ONE process, N calls each (probes/pbkdf2_paths.mjs);
//                                                          value = each side's fastest call
//   jwt-mac         workers.jwt_mac.{sha256,sha384,sha512}.{oneshot,states}   core.jwt's MAC (us per MAC, 270-byte
//                                                          input) by both key preparations, alternating batches of
//                                                          5,000 in ONE process, N batches each (probes/jwt_mac.mjs);
//                                                          value = each side's fastest batch
//   login-bcrypt    workers.login.bcrypt_cost10            legacy bcrypt verify (pure Python), measured at cost C
//                                                          (default 10) and scaled x2 per cost step below 10
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HARNESS } from "./lib/pyodide.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const runs = option("--runs", 5);
const bcryptCost = option("--bcrypt-cost", 10);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
if (!Number.isInteger(bcryptCost) || bcryptCost < 4 || bcryptCost > 10) throw new Error("--bcrypt-cost: 4..10");

const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const r2 = (x) => +x.toFixed(2);
const probe = (name, ...argv) => {
  const out = execFileSync(process.execPath, [join(HARNESS, "probes", name), ...argv.map(String)], { encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split("\n").pop());
};
const emit = (id, samples, extra = {}) => console.log(JSON.stringify({
  id, value: r2(median(samples.map((s) => s.cpu_ms))), unit: "ms", runs: samples.length,
  main_ms: samples[0].main_ms === null ? null : r2(median(samples.map((s) => s.main_ms))),
  samples: samples.map((s) => s.cpu_ms), ...extra,
}));
const repeat = (n, f) => Array.from({ length: n }, f);

const FIGURES = {
  "import-core": () => {
    const samples = repeat(runs, () => probe("import_core.mjs"));
    emit("workers.import_core", samples, {
      modules: samples[0].modules,
      per_module_cpu_ms: Object.fromEntries(Object.keys(samples[0].per_module_cpu_ms)
        .map((m) => [m, r2(median(samples.map((s) => s.per_module_cpu_ms[m])))])),
    });
  },
  snapshot: () => {
    const dir = join(HARNESS, ".cache", "snapshot");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "worker.snapshot");
    const made = probe("worker_start.mjs", "make-snapshot", file);  // deploy time: not part of the budget
    const samples = repeat(runs, () => probe("worker_start.mjs", "snapshot", file));
    emit("workers.snapshot.first_request", samples, {
      snapshot_bytes: made.snapshot_bytes, import_worker_at_deploy_cpu_ms: made.import_worker.cpu_ms,
      restore_cpu_ms: r2(median(samples.map((s) => s.restore.cpu_ms))),
      restore_main_ms: r2(median(samples.map((s) => s.restore.main_ms))),
    });
  },
  nosnapshot: () => {
    const ours = [probe("worker_start.mjs", "nosnapshot", "leancore")];
    const { routes, models } = ours[0];
    const bare = [];
    for (let i = 0; i < runs; i++) {
      bare.push(probe("worker_start.mjs", "nosnapshot", "bare", routes, models));
      if (i > 0) ours.push(probe("worker_start.mjs", "nosnapshot", "leancore"));
    }
    emit("workers.nosnapshot.first_request.leancore", ours, { routes, models });
    emit("workers.nosnapshot.first_request.bare", bare, { routes, models });
  },
  "login-pbkdf2": () => {
    emit("workers.login.pbkdf2_600k", repeat(runs, () => probe("login.mjs", "pbkdf2", 600000)), { rounds: 600000 });
  },
  "pbkdf2-paths": () => {
    // value = the fastest call of each side, as bench/test_passwords_bench.py's paired hashes: every side is the
    // same deterministic work per call and host noise only adds to it (one call in five took 1.5x in a budget run).
    const out = probe("pbkdf2_paths.mjs", 600000, runs);
    for (const [side, samples] of Object.entries(out.samples)) {
      const fastest = samples.reduce((a, b) => (b.cpu_ms < a.cpu_ms ? b : a));
      console.log(JSON.stringify({
        id: `workers.pbkdf2_600k.paired.${side}`, value: fastest.cpu_ms, unit: "ms", runs: samples.length,
        main_ms: fastest.main_ms, estimator: "min", median_ms: r2(median(samples.map((s) => s.cpu_ms))),
        samples: samples.map((s) => s.cpu_ms), rounds: out.rounds, process: "one, sides alternating",
        path: side === "default" ? out.default_path : side,
      }));
    }
  },
  "jwt-mac": () => {
    const out = probe("jwt_mac.mjs", runs, 5000);
    for (const [digest, sides] of Object.entries(out.samples)) {
      for (const [side, us] of Object.entries(sides)) {
        console.log(JSON.stringify({
          id: `workers.jwt_mac.${digest}.${side}`, value: Math.min(...us), unit: "us", runs: us.length,
          estimator: "min", median_us: r2(median(us)), samples: us, batch: out.batch,
          message_bytes: out.message_bytes, process: "one, sides alternating",
        }));
      }
    }
  },
  "login-bcrypt": () => {
    const samples = repeat(runs, () => probe("login.mjs", "bcrypt", bcryptCost));
    const scale = 2 ** (10 - bcryptCost);  // bcrypt's work doubles per cost step (2^cost key-schedule rounds)
    const scaled = samples.map((s) => ({ ...s, cpu_ms: s.cpu_ms * scale, main_ms: s.main_ms === null ? null : s.main_ms * scale }));
    emit("workers.login.bcrypt_cost10", scaled, {
      cost: 10, measured_cost: bcryptCost, extrapolated: scale !== 1, scale,
      measured_cpu_ms: r2(median(samples.map((s) => s.cpu_ms))),
    });
  },
};

const names = args.length > 0 ? args : Object.keys(FIGURES);
for (const name of names) {
  if (!FIGURES[name]) throw new Error(`unknown figure ${name}; known: ${Object.keys(FIGURES).join(", ")}`);
  FIGURES[name]();
}
