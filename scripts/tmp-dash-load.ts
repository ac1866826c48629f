import { autocannonGenerator } from "./bench-load";
import { dashboardModelsPage } from "./bench-dashboard";
const [baseUrl, token, seconds] = process.argv.slice(2);
const single = async (path: string, cookie: string) => { const t = performance.now(); const r = await fetch(baseUrl + path, { headers: { Cookie: cookie } }); await r.text(); return performance.now() - t; };
const signIn = await fetch(`${baseUrl}/admin/ui/sign-in`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl! }, body: new URLSearchParams({ token: token! }), redirect: "manual" });
const cookie = signIn.headers.get("Set-Cookie")!.split(";")[0]!;
for (const p of ["/admin/ui/models", "/admin/ui/models?status=archived", "/admin/ui/models?q=synthetic-0042", "/healthz"]) {
  const times = []; for (let i = 0; i < 15; i++) times.push(await single(p, cookie)); times.sort((a, b) => a - b);
  console.log(p, "single p50", times[7]!.toFixed(1));
}
const row = await dashboardModelsPage({ baseUrl: baseUrl!, adminToken: token!, generator: autocannonGenerator, connections: 4, durationSeconds: Number(seconds ?? 5) });
console.log(row.label, row.rps.toFixed(0), "req/s p50", row.p50.toFixed(1), "p95", row.p95.toFixed(1), row.errors, row.note);
