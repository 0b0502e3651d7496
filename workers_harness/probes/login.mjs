// One sample (one fresh process) of a login's password check inside Pyodide: CPU of verify_password (whole
// process and main thread) for a hash made in the guest, untimed, just before. Prints one JSON line.
// usage: node login.mjs pbkdf2 ROUNDS    $pbkdf2-sha256$ROUNDS$... (the pure-Python fallback: Pyodide has no
//                                         hashlib.pbkdf2_hmac), as core.passwords writes it
//        node login.mjs bcrypt COST      a legacy $2b$COST$... hash, checked by core's pure-Python EksBlowfish
import { boot, copyIntoGuest, cpuTimer } from "../lib/pyodide.mjs";

const [scheme, n] = process.argv.slice(2);
const work = Number(n);
if (!["pbkdf2", "bcrypt"].includes(scheme) || !Number.isInteger(work)) throw new Error("usage: login.mjs pbkdf2|bcrypt N");
const py = await boot();
copyIntoGuest(py, ["core"]);
py.globals.set("WORK", work);
py.runPython(`
import os
from core.passwords import PasswordHasher, verify_password
from core.passwords import _bcrypt
PASSWORD = "correct horse battery staple"
if ${JSON.stringify(scheme)} == "pbkdf2":
    STORED = PasswordHasher(rounds=WORK).hash(PASSWORD)
else:
    _h = _bcrypt.BcryptHash("b", WORK, os.urandom(16), b"")
    STORED = _h.setting + _bcrypt.bcrypt_b64encode(_bcrypt.checksum(PASSWORD.encode(), _h, pure=True))
verify_password(PASSWORD, "$pbkdf2-sha256$1000$" + "A" * 22 + "$" + "A" * 43)  # engines imported before timing
`);
const verify = py.runPython("lambda: verify_password(PASSWORD, STORED)");
const t = cpuTimer();
const ok = verify();
const result = t();
if (ok !== true) throw new Error("the password did not verify");
console.log(JSON.stringify({ ...result, scheme, work, stored_prefix: py.runPython("STORED[:8]") }));
