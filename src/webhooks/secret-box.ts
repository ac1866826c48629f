/**
 * Webhook signing secrets at rest: AES-256-GCM under a key derived (HKDF)
 * from the WEBHOOK_SECRET_KEY Worker secret, with the endpoint id as
 * associated data. A database dump alone cannot sign a webhook, and a
 * ciphertext copied onto another endpoint does not decrypt.
 */
import { fromBase64, toBase64 } from "./signature";

const FORMAT = "v1";

export class SecretBox {
  #key: Promise<CryptoKey>;

  constructor(masterKey: string) {
    this.#key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(masterKey), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("model-catalog webhook secrets v1") },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
  }

  async seal(secret: string, endpointId: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(endpointId) },
      await this.#key,
      new TextEncoder().encode(secret),
    );
    return `${FORMAT}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
  }

  async open(ciphertext: string, endpointId: string): Promise<string> {
    const [format, iv, sealed] = ciphertext.split(".");
    if (format !== FORMAT || !iv || !sealed) throw new Error("unknown webhook secret format");
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(endpointId) },
      await this.#key,
      fromBase64(sealed),
    );
    return new TextDecoder().decode(plain);
  }
}

const boxes = new Map<string, SecretBox>();

/** One box per master key per isolate: the key derivation runs once. */
export function secretBoxFor(masterKey: string): SecretBox {
  const box = boxes.get(masterKey) ?? new SecretBox(masterKey);
  boxes.set(masterKey, box);
  return box;
}
