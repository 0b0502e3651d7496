// core.jwt's MAC inside ONE Pyodide process by both key preparations (core.jwt._mac.prepare): the one-shot
// _hmac call and the cached pad-state copies, in alternating batches (order reversed every other round), for
// HS256/384/512 over a 270-byte signing input (the size of the api's access tokens). Prints one JSON line: per
// digest and side the CPU microseconds per MAC of each batch (whole process).
// usage: node jwt_mac.mjs ROUNDS BATCH
import { boot, copyIntoGuest, cpuTimer } from "../lib/pyodide.mjs";

const [rounds, batch] = process.argv.slice(2).map(Number);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(batch) || batch < 1) {
  throw new Error("usage: jwt_mac.mjs ROUNDS BATCH");
}
const py = await boot();
copyIntoGuest(py, ["core"]);
py.globals.set("BATCH", batch);
py.runPython(`
import hmac
from core.jwt import _mac

MESSAGE = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + b"x" * 233
KEYS = {"oneshot": b"o" * 48, "states": b"s" * 48}


def runner(side, digest):
    key = KEYS[side]
    _mac.prepare(key, digest, use_oneshot=side == "oneshot")
    if _mac.mac(key, MESSAGE, digest) != hmac.digest(key, MESSAGE, digest):
        raise AssertionError("MAC differs from hmac.digest")

    def run():
        mac = _mac.mac
        for _ in range(BATCH):
            mac(key, MESSAGE, digest)

    return run
`);
const runner = py.globals.get("runner");
const cases = [];
for (const digest of ["sha256", "sha384", "sha512"]) {
  for (const side of ["oneshot", "states"]) cases.push({ digest, side, run: runner(side, digest), us: [] });
}
for (let i = 0; i < rounds; i++) {
  for (const c of i % 2 === 0 ? cases : [...cases].reverse()) {
    const t = cpuTimer();
    c.run();
    c.us.push(+((t().cpu_ms * 1000) / batch).toFixed(3));
  }
}
const samples = {};
for (const c of cases) (samples[c.digest] ??= {})[c.side] = c.us;
console.log(JSON.stringify({ rounds, batch, message_bytes: 270, samples }));
