/**
 * A stand-in for the platform's auth service during tests: serves a JWKS
 * (RS256 and ES256 public keys) on loopback, and hands the private keys to
 * the tests so they can sign tokens the Worker must accept or refuse.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface TestKeys {
  jwksUrl: string;
  rsaPrivateJwk: JWK;
  rsaPublicJwk: JWK;
  ecPrivateJwk: JWK;
}

export async function startJwksServer(): Promise<TestKeys & { stop: () => Promise<void> }> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const rsaPublicJwk = { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" };
  const ecPublicJwk = { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" };
  const body = JSON.stringify({ keys: [rsaPublicJwk, ecPublicJwk] });
  const server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") res.writeHead(200, { "Content-Type": "application/json" }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    rsaPrivateJwk: { ...(await exportJWK(rsa.privateKey)), kid: "rsa-1", alg: "RS256" },
    rsaPublicJwk,
    ecPrivateJwk: { ...(await exportJWK(ec.privateKey)), kid: "ec-1", alg: "ES256" },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
