/**
 * npm run -s token -- [--role admin] [--sub alice] [--tier pro] [--ttl 1h]
 * Prints a JWT signed with the local development settings (.dev.vars).
 */
import { SignJWT } from "jose";
import { SUBSCRIPTION_TIERS } from "../src/domain/model-meta";
import { runCli } from "./lib/database";
import { readDevVars } from "./lib/dev-settings";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

await runCli(async () => {
  const vars = readDevVars();
  if (!vars.JWT_SECRET) throw new Error(".dev.vars has no JWT_SECRET: run `npm run dev` once first");
  const role = option("role");
  const tier = option("tier");
  if (tier && !(SUBSCRIPTION_TIERS as readonly string[]).includes(tier)) {
    throw new Error(`--tier must be one of ${SUBSCRIPTION_TIERS.join(", ")}`);
  }
  const sub = option("sub") ?? (role ? `${role}-dev` : "user-dev");
  const jwt = new SignJWT({ ...(role && { role }), ...(tier && { tier }) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(option("ttl") ?? "1h");
  if (vars.JWT_ISSUER) jwt.setIssuer(vars.JWT_ISSUER);
  if (vars.JWT_AUDIENCE) jwt.setAudience(vars.JWT_AUDIENCE);
  console.log(await jwt.sign(new TextEncoder().encode(vars.JWT_SECRET)));
});
