/**
 * The API's own description: GET /openapi.json, generated from the route
 * declarations, and GET /docs, an interactive reference page (Swagger UI).
 * Every file the page loads comes from this Worker: Swagger UI from
 * Workers Static Assets (public/vendor, copied from node_modules), the
 * start-up script from the route below. It works with no internet access.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/context";
import { BEARER_SCHEME } from "../../http/openapi";
import { finishDocument } from "../../http/openapi-document";

const DOCUMENT_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Model catalog & lifecycle API",
    version: "2.0.0",
    description:
      'The catalog of LLM models the platform sells. Public reads take an optional bearer JWT (its `tier` claim; none means free); admin routes need a JWT with role admin or super_admin. Every error is `{"error": {code, message, request_id, details?}}`. Requests are rate-limited (429 with Retry-After, RateLimit-Policy and RateLimit; anonymous callers per IP, tokens per subject). A method a path does not declare answers 405 with Allow.',
  },
  // Relative: the document describes the host that serves it (production, `npm run dev`, a test run).
  servers: [
    {
      url: "/",
      description: "This deployment (production, staging or local: the host that served this document)",
      "x-internal": false,
    },
  ],
  tags: [
    { name: "Models", description: "The public catalog and the inference gate" },
    { name: "Change feed", description: "The catalog's public changes in commit order, to follow instead of re-reading the list" },
    { name: "OpenAI-compatible", description: "The catalog for the OpenAI SDKs: base URL /openai/v1" },
    { name: "Admin: models", description: "Staff lifecycle: create, deprecate, archive, audit" },
    { name: "Admin: aliases", description: "Staff: moving names over dated snapshots (pin or follow)" },
    { name: "Admin: usage", description: "Staff: who still calls a model, from the gate's counts (hourly rollups)" },
    { name: "Admin: webhooks", description: "Staff: endpoints that receive each catalog change, signed (Standard Webhooks)" },
    { name: "Operations", description: "Health checks and the catalog cache's epoch" },
  ],
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Model catalog API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

// validatorUrl: null keeps Swagger UI from calling validator.swagger.io.
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: true,
});
`;

/** Only this origin's files: the page cannot load anything from elsewhere. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export function mountReference(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "Claims: sub, exp, role (admin | super_admin for /admin), tier (free ... enterprise_max, perpetual). Verified per RFC8725 (JWT best current practices): an allowlist of algorithms per key type (HS256 for a shared secret; RS256/ES256 from the JWKS), exp required, iss and aud required outside local development, typ JWT or at+jwt when present.",
  });
  let document: unknown;
  app.get("/openapi.json", (c) => {
    // Generated once per isolate: the routes do not change while it runs.
    document ??= finishDocument(app.getOpenAPI31Document(DOCUMENT_INFO));
    return c.json(document, 200, { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" });
  });
  app.get("/docs", (c) => c.html(PAGE, 200, { "Content-Security-Policy": CONTENT_SECURITY_POLICY }));
  app.get("/docs/start.js", (c) =>
    c.body(START_SCRIPT, 200, { "Content-Type": "text/javascript; charset=UTF-8", "Cache-Control": "public, max-age=300" }),
  );
}
