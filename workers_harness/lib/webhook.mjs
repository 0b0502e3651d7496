// A webhook receiver on 127.0.0.1 (Node's http module; loopback is up inside offline.sh's namespace): what a
// deployment's PASSWORD_RESET_WEBHOOK_URL points at, so the Worker's delivery goes out through the runtime's real
// `fetch` and a check can read what arrived. Every POST body is kept (parsed as JSON); `hold()` parks the answers
// to the requests that arrive from then on until `release()`, so a check can tell whether the Worker's answer
// waited for its webhook.
import { createServer } from "node:http";

export async function startWebhook() {
  const received = [];
  let held = null;  // the parked answers while holding, else null
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = { unparsed: text };
      }
      received.push({ method: req.method, path: req.url, content_type: req.headers["content-type"] ?? null, body });
      const answer = () => res.writeHead(204).end();
      if (held === null) answer();
      else held.push(answer);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const release = () => {
    const parked = held ?? [];
    held = null;
    for (const answer of parked) answer();
  };
  return {
    url: `http://127.0.0.1:${server.address().port}/password-reset`,
    // What a check sees (`import webhook`): the requests so far as JSON text, and the hold switch.
    module: {
      received_json: () => JSON.stringify(received),
      hold: () => { held ??= []; },
      release,
    },
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
