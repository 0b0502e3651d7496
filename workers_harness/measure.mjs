// Figures for bench/ (issue 7's budgets), one JSON line per figure on stdout:
//   {"id": "pyodide.import.core", "value": <median cpu ms>, "unit": "ms", "runs": N, "main_ms": ..., "samples": [...]}
// Each sample is a fresh Node process (probes/*.mjs); value = median whole-process CPU (what Workers bills), with
// the main thread's median alongside. Runs are sequential so samples do not compete for the 2 cores.
// usage: node measure.mjs [--runs N] [figure ...]    figures: import-core (default: all)
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { HARNESS } from "./lib/pyodide.mjs";

const FIGURES = {
  "import-core": { id: "pyodide.import.core", probe: "probes/import_core.mjs" },
};

const args = process.argv.slice(2);
const r = args.indexOf("--runs");
const runs = r >= 0 ? Number(args.splice(r, 2)[1]) : 5;
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
const names = args.length > 0 ? args : Object.keys(FIGURES);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

for (const name of names) {
  const fig = FIGURES[name];
  if (!fig) throw new Error(`unknown figure ${name}; known: ${Object.keys(FIGURES).join(", ")}`);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [join(HARNESS, fig.probe)], { encoding: "utf8" });
    samples.push(JSON.parse(out.trim().split("\n").pop()));
  }
  console.log(JSON.stringify({
    id: fig.id, value: +median(samples.map((s) => s.cpu_ms)).toFixed(2), unit: "ms", runs,
    main_ms: samples[0].main_ms === null ? null : +median(samples.map((s) => s.main_ms)).toFixed(2),
    samples: samples.map((s) => s.cpu_ms), modules: samples[0].modules,
    ...(samples[0].per_module_cpu_ms && { per_module_cpu_ms: Object.fromEntries(Object.keys(samples[0].per_module_cpu_ms)
      .map((m) => [m, +median(samples.map((s) => s.per_module_cpu_ms[m])).toFixed(2)])) }),
  }));
}
