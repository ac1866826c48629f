// A webhook receiver that verifies Standard Webhooks signatures.
//   npm install standardwebhooks
//   WEBHOOK_SECRET=whsec_... node webhook-receiver.mjs      (listens on 127.0.0.1:9000)
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.WEBHOOK_SECRET);
const seen = new Set(); // webhook-id: delivery is at least once, so drop duplicates

createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let event;
    try {
      // Checks the HMAC over id.timestamp.body (with any of the secrets in the header) and the timestamp's age.
      event = webhook.verify(body, req.headers);
    } catch (error) {
      res.writeHead(401).end();
      return console.warn("refused:", error.message);
    }
    res.writeHead(204).end(); // answer fast (within 10 s); do the work afterwards
    if (seen.has(event.id)) return;
    seen.add(event.id);
    console.log(event.type, event.model_id, event.changed_fields.join(",") || "", event.days_before ?? "");
  });
}).listen(9000, "127.0.0.1", () => console.log("receiver on http://127.0.0.1:9000"));
