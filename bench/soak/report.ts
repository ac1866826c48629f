/**
 * The soak's table, as Markdown (printed, and with --write kept in
 * docs/reliability.md between markers, one section per database): load held,
 * faults injected and their effect, the checks, what was lost.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Check } from "./checks";
import type { SoakOptions } from "./options";
import type { Receiver } from "./receivers";
import type { Answer, SoakRecord } from "./record";
import { FAULTS, RECOVERY_MS } from "./schedule";

interface TableInput {
  options: SoakOptions;
  record: SoakRecord;
  checks: Check[];
  receivers: Receiver[];
  drainedSeconds: number;
  label: string;
}

const statuses = (answers: Answer[]) => {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const key = answer.status === null ? "no answer" : answer.status >= 500 ? String(answer.status) : `${String(answer.status)[0]}xx`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort()
    .map(([key, n]) => `${n} ${key}`)
    .join(", ");
};

export function soakTable({ options, record, checks, receivers, drainedSeconds, label }: TableInput): string {
  const seconds = (record.endedAt - record.startedAt) / 1000;
  const kinds = new Map<string, Answer[]>();
  for (const answer of record.answers) kinds.set(answer.kind, [...(kinds.get(answer.kind) ?? []), answer]);
  const gateDecisions = [...record.gateCalls.values()].reduce((sum, calls) => sum + calls.length, 0);
  const lines = [
    `Soak of ${seconds.toFixed(0)} s on ${label} (${new Date(record.startedAt).toISOString().slice(0, 16)}Z), then ${drainedSeconds.toFixed(0)} s for retries to drain; flaky receiver failing ${options.failShare * 100}% of requests (half 500, half answered after the 10 s timeout).`,
    "",
    "| Load held | Requests | Per second | Answers |",
    "|---|---:|---:|---|",
    ...[...kinds].map(
      ([kind, answers]) => `| ${kind} | ${answers.length} | ${(answers.length / seconds).toFixed(1)} | ${statuses(answers)} |`,
    ),
    `| gate decisions counted by the soak (HTTP and binding) | ${gateDecisions} | ${(gateDecisions / seconds).toFixed(1)} | |`,
    `| webhook requests received | ${receivers.reduce((sum, r) => sum + r.requests, 0)} | | ${receivers.map((r) => `${r.name} ${r.requests} (${r.processed.length} processed, ${r.duplicates} duplicates dropped)`).join("; ")} |`,
    "",
    "| Fault injected | Window | Effect seen (answers inside, and 5 s after) |",
    "|---|---|---|",
    ...record.windows.map((window) => {
      const planned = FAULTS.find((fault) => fault.fault === window.fault);
      const inside = record.answers.filter((answer) => answer.at >= window.start && answer.at <= window.end + RECOVERY_MS);
      const from = (window.start - record.startedAt) / 1000;
      return `| ${window.fault}: ${planned?.effect ?? ""} | ${from.toFixed(0)}–${((window.end - record.startedAt) / 1000).toFixed(0)} s | ${statuses(inside) || "no requests"} |`;
    }),
    "",
    "| Check | Result | Counted |",
    "|---|---|---|",
    ...checks.map((check) => `| ${check.name} | ${check.ok ? "pass" : "**FAIL**"} | ${check.detail} |`),
  ];
  return lines.join("\n");
}

const begin = (kind: string) => `<!-- soak:${kind}:begin (npm run soak -- --write) -->`;
const end = (kind: string) => `<!-- soak:${kind}:end -->`;

/** Replaces this database's section between its markers (added under "## Soak" the first time). */
export function writeSoakDoc(path: string, kind: "embedded" | "postgres", table: string) {
  let doc = readFileSync(path, "utf8");
  const section = `${begin(kind)}\n${table}\n${end(kind)}`;
  if (doc.includes(begin(kind))) {
    const from = doc.indexOf(begin(kind));
    const to = doc.indexOf(end(kind)) + end(kind).length;
    doc = doc.slice(0, from) + section + doc.slice(to);
  } else if (doc.includes("## Soak")) {
    doc = doc.replace(/(## Soak\n[\s\S]*?)(\n## |$)/, (_, body: string, next: string) => `${body.trimEnd()}\n\n${section}\n${next}`);
  } else {
    doc = `${doc.trimEnd()}\n\n## Soak\n\n${section}\n`;
  }
  writeFileSync(path, doc);
}
