/**
 * Which URLs the catalog will POST webhooks to (SSRF guard). Only https to a
 * public host: no private, loopback, link-local, shared, multicast, reserved
 * or cloud-metadata address, no internal-looking name, no credentials in the
 * URL. `http://localhost` and `http://127.0.0.1` (any port) only when
 * ALLOW_LOCAL_WEBHOOKS is "true", for local development and tests. Checked
 * when an endpoint is created and again before every delivery; deliveries
 * never follow redirects, so a public URL cannot bounce to a private one.
 * A public name that resolves to a private address is left to the platform:
 * Workers subrequests go out through Cloudflare's edge, not the Worker's own
 * network. Pure.
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
/** Names that only mean something inside a private network. */
const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp", ".private"];

export function checkWebhookUrl(raw: string, options: { allowLocal: boolean }): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return refuse(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("not an absolute URL");
  }
  if (url.username || url.password) return refuse("credentials in the URL are not allowed");
  // The WHATWG parser has already normalized the host: lower case, IPv4 in dotted form (0x7f.1 -> 127.0.0.1), IPv6 in brackets.
  const host = url.hostname;
  if (options.allowLocal && LOCAL_HOSTS.has(host) && (url.protocol === "http:" || url.protocol === "https:")) return { ok: true, url };
  if (url.protocol !== "https:") {
    return refuse(options.allowLocal ? "the URL must use https (http only to localhost or 127.0.0.1)" : "the URL must use https");
  }
  const problem = hostProblem(host);
  return problem ? refuse(problem) : { ok: true, url };
}

const refuse = (reason: string): UrlVerdict => ({ ok: false, reason });

function hostProblem(host: string): string | undefined {
  if (host.startsWith("[")) return ipv6Problem(host.slice(1, -1));
  const ipv4 = parseIpv4(host);
  if (ipv4) return ipv4Problem(ipv4);
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name === "localhost" || INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return `${host} is not a public host`;
  if (!name.includes(".")) return `${host} is not a public host name (no domain)`;
  return undefined;
}

function parseIpv4(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** [first octets, prefix length, what it is] */
const BLOCKED_IPV4: [number[], number, string][] = [
  [[0], 8, "an unspecified (0.0.0.0/8) address"],
  [[10], 8, "a private address"],
  [[100, 64], 10, "a shared (carrier-grade NAT) address"],
  [[127], 8, "a loopback address"],
  [[169, 254], 16, "a link-local or cloud metadata address"],
  [[172, 16], 12, "a private address"],
  [[192, 0, 0], 24, "a reserved (IETF protocol) address"],
  [[192, 0, 2], 24, "a documentation address"],
  [[192, 88, 99], 24, "a reserved (6to4 relay) address"],
  [[192, 168], 16, "a private address"],
  [[198, 18], 15, "a benchmarking address"],
  [[198, 51, 100], 24, "a documentation address"],
  [[203, 0, 113], 24, "a documentation address"],
  [[224], 4, "a multicast address"],
  [[240], 4, "a reserved address"],
];

function ipv4Problem(octets: number[]): string | undefined {
  const value = toUint32(octets);
  for (const [prefix, bits, what] of BLOCKED_IPV4) {
    const base = toUint32([...prefix, 0, 0, 0].slice(0, 4));
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === (base & mask) >>> 0) return `${octets.join(".")} is ${what}`;
  }
  return undefined;
}

const toUint32 = (octets: number[]) =>
  (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;

/**
 * IPv6 literals: only global unicast (2000::/3) outside the documentation,
 * 6to4, Teredo and ORCHID ranges, which embed or stand for other addresses.
 * Everything else (::1, ::, IPv4-mapped, NAT64, ULA, link-local, multicast)
 * is refused.
 */
function ipv6Problem(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return `[${address}] is not a valid IPv6 address`;
  const [first = 0, second = 0] = groups;
  if ((first & 0xe000) !== 0x2000) return `[${address}] is not a public (global unicast) IPv6 address`;
  if (first === 0x2002) return `[${address}] is a 6to4 address`;
  if (first === 0x2001 && second === 0x0db8) return `[${address}] is a documentation address`;
  if (first === 0x2001 && second < 0x0200) return `[${address}] is a reserved (Teredo, ORCHID or IETF) address`;
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  // A dotted IPv4 tail (::ffff:1.2.3.4); the URL parser rewrites these to hex, but be safe.
  const last = tail.length ? tail : head;
  const dotted = last.at(-1)?.includes(".") ? parseIpv4(last.pop() ?? "") : undefined;
  if (dotted) last.push(((dotted[0] ?? 0) * 256 + (dotted[1] ?? 0)).toString(16), ((dotted[2] ?? 0) * 256 + (dotted[3] ?? 0)).toString(16));
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}
