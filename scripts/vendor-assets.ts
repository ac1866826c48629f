/**
 * Copies the browser files this Worker serves (the API reference page's
 * Swagger UI) from node_modules into public/vendor/,
 * which Workers Static Assets serves. Nothing is committed or loaded from a
 * CDN: runs before dev, test, bench and deploy (npm pre-scripts).
 */
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const ROOT = new URL("..", import.meta.url).pathname;
const VENDOR = join(ROOT, "public", "vendor");

/** [package, file inside it, destination under public/vendor/]. */
const FILES: [string, string, string][] = [
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui/swagger-ui.css"],
];

for (const [pkg, file, destination] of FILES) {
  const source = join(dirname(require.resolve(`${pkg}/package.json`)), file);
  const target = join(VENDOR, destination);
  mkdirSync(dirname(target), { recursive: true });
  const fresh = (() => {
    try {
      return statSync(target).mtimeMs >= statSync(source).mtimeMs;
    } catch {
      return false;
    }
  })();
  if (!fresh) copyFileSync(source, target);
}
