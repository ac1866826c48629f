/**
 * The SSRF guard for webhook URLs, as a pure function: https to public hosts
 * only; localhost and 127.0.0.1 (http or https) only when local webhooks are
 * allowed. Nothing here sends a request anywhere.
 */
import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../src/webhooks/url-guard";

const verdict = (url: string, allowLocal = false) => checkWebhookUrl(url, { allowLocal });

describe("checkWebhookUrl", () => {
  it.each([
    "https://hooks.example.com/catalog",
    "https://example.com:8443/x?y=1",
    "https://8.8.8.8/hook",
    "https://[2606:4700::1111]/hook",
  ])("accepts %s", (url) => {
    expect(verdict(url).ok).toBe(true);
  });

  it.each([
    ["http://hooks.example.com/x", /https/],
    ["ftp://example.com/x", /https/],
    ["not a url", /absolute URL/],
    ["/relative", /absolute URL/],
    ["https://user:pass@example.com/x", /credentials/],
    ["https://localhost/x", /not a public host/],
    ["https://foo.localhost/x", /not a public host/],
    ["https://metadata.google.internal/computeMetadata", /not a public host/],
    ["https://printer.local/x", /not a public host/],
    ["https://intranet/x", /no domain/],
    ["https://127.0.0.1/x", /loopback/],
    ["https://127.0.0.2/x", /loopback/],
    ["https://0.0.0.0/x", /unspecified/],
    ["https://0x7f.1/x", /loopback/],
    ["https://2130706433/x", /loopback/],
    ["https://017700000001/x", /loopback/],
    ["https://10.1.2.3/x", /private/],
    ["https://172.16.0.1/x", /private/],
    ["https://172.31.255.255/x", /private/],
    ["https://192.168.1.1/x", /private/],
    ["https://169.254.169.254/latest/meta-data", /link-local or cloud metadata/],
    ["https://100.100.100.200/x", /shared/],
    ["https://224.0.0.1/x", /multicast/],
    ["https://255.255.255.255/x", /reserved/],
    ["https://198.18.0.1/x", /benchmarking/],
    ["https://[::1]/x", /not a public/],
    ["https://[::]/x", /not a public/],
    ["https://[::ffff:127.0.0.1]/x", /not a public/],
    ["https://[::ffff:a9fe:a9fe]/x", /not a public/],
    ["https://[64:ff9b::a00:1]/x", /not a public/],
    ["https://[fd00:ec2::254]/x", /not a public/],
    ["https://[fe80::1]/x", /not a public/],
    ["https://[ff02::1]/x", /not a public/],
    ["https://[2002:7f00:1::]/x", /6to4/],
    ["https://[2001:db8::1]/x", /documentation/],
    ["https://[2001::1]/x", /reserved/],
    [`https://example.com/${"a".repeat(2100)}`, /longer than/],
  ])("refuses %s", (url, reason) => {
    const result = verdict(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("refuses the loopback names when local webhooks are not allowed", () => {
    for (const url of ["http://localhost:9000/x", "http://127.0.0.1:9000/x"]) expect(verdict(url).ok).toBe(false);
  });

  it("allows http://localhost and http://127.0.0.1 (any port) when local webhooks are allowed", () => {
    for (const url of ["http://localhost:9000/x", "http://127.0.0.1:9000/x", "http://127.0.0.1/x", "https://localhost/x"]) {
      expect(verdict(url, true).ok).toBe(true);
    }
  });

  it("allows no other local address even then", () => {
    for (const url of ["http://127.0.0.2/x", "http://0.0.0.0:9000/x", "http://[::1]/x", "http://10.0.0.1/x", "http://foo.localhost/x"]) {
      expect(verdict(url, true).ok).toBe(false);
    }
  });
});
