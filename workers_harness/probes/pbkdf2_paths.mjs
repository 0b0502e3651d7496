// PBKDF2-HMAC-SHA256 paths side by side in ONE Pyodide process, alternating call by call, so that all sides see
// the same machine load and the same compiled WebAssembly: core's default path (what a login runs on Workers), the
// copy loop it replaced (path="copy"), and, to show what moved the figure, a plain Python `for` loop over the same
// one-shot call (_hmac.compute_sha256, XOR-ing as it goes; not core code). Each side runs once untimed at 1,000
// rounds first. Prints one JSON line: per side the CPU samples of each call (whole process and main thread).
// usage: node pbkdf2_paths.mjs ROUNDS PAIRS
import { boot, copyIntoGuest, cpuTimer } from "../lib/pyodide.mjs";

const [rounds, pairs] = process.argv.slice(2).map(Number);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(pairs) || pairs < 1) {
  throw new Error("usage: pbkdf2_paths.mjs ROUNDS PAIRS");
}
const py = await boot();
copyIntoGuest(py, ["core"]);
py.runPython(`
import _hmac
from core.passwords._pbkdf2 import default_path, pbkdf2_sha256

PASSWORD, SALT = b"correct horse battery staple", b"0123456789abcdef"


def for_loop(password, salt, rounds):
    compute, from_bytes = _hmac.compute_sha256, int.from_bytes
    u = compute(password, salt + b"\\x00\\x00\\x00\\x01")
    acc = from_bytes(u, "big")
    for _ in range(rounds - 1):
        u = compute(password, u)
        acc ^= from_bytes(u, "big")
    return acc.to_bytes(32, "big")


SIDES = {
    "default": lambda rounds: pbkdf2_sha256(PASSWORD, SALT, rounds),
    "copy": lambda rounds: pbkdf2_sha256(PASSWORD, SALT, rounds, path="copy"),
    "for_loop": lambda rounds: for_loop(PASSWORD, SALT, rounds),
}
_expected = SIDES["copy"](1000)
for _side in SIDES.values():  # untimed: first use of each path (and a check that all give the same bytes)
    if _side(1000) != _expected:
        raise AssertionError("PBKDF2 paths disagree")
`);
const SIDES = py.globals.get("SIDES");
const sides = py.runPython("list(SIDES)").toJs().map((name) => [name, SIDES.get(name)]);
const samples = Object.fromEntries(sides.map(([name]) => [name, []]));
for (let i = 0; i < pairs; i++) {
  for (const [name, run] of i % 2 === 0 ? sides : [...sides].reverse()) {  // order reversed every other round
    const t = cpuTimer();
    run(rounds);
    samples[name].push(t());
  }
}
console.log(JSON.stringify({ rounds, pairs, default_path: py.runPython("default_path()"), samples }));
