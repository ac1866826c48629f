/** A plan as a person reviews it: one block per model or alias, field by field, then a summary line. */
import type { Change, Plan, Step } from "./plan";
import { stepTarget } from "./plan";

const SYMBOL: Record<Step["kind"], string> = {
  create: "+",
  unarchive: "^",
  "update-meta": "~",
  "unmark-legacy": "~",
  "mark-legacy": "!",
  archive: "-",
  "alias-create": "+",
  "alias-repoint": "~",
  "alias-delete": "-",
};

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "create":
      return `create model ${step.model} (provider ${step.body.provider})`;
    case "unarchive":
      return `unarchive ${step.model}`;
    case "update-meta":
      return `update ${step.model}: ${step.changes.length} meta field(s)`;
    case "unmark-legacy":
      return `undeprecate ${step.model} (unmark legacy)`;
    case "mark-legacy":
      return `deprecate ${step.model} (mark legacy)`;
    case "archive":
      return `archive ${step.model}`;
    case "alias-create":
      return `create alias ${step.alias} -> ${step.target}`;
    case "alias-repoint":
      return `re-point alias ${step.alias}: ${step.from} -> ${step.target}`;
    case "alias-delete":
      return `delete alias ${step.alias} (was -> ${step.target})`;
  }
}

const show = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value));

export function describeChanges(changes: Change[], indent = "      "): string[] {
  return changes.map(({ field, from, to }) => `${indent}${field}: ${show(from)} -> ${show(to)}`);
}

function stepLines(step: Step): string[] {
  const head = `  ${SYMBOL[step.kind]} ${describeStep(step)}`;
  switch (step.kind) {
    case "create":
      return [
        head,
        ...Object.entries(step.body.meta)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => `      meta.${key}: ${show(value)}`),
      ];
    case "update-meta":
    case "mark-legacy":
    case "unmark-legacy":
      return [head, ...describeChanges(step.changes)];
    case "archive":
      return [head, `      reason: ${step.reason}`];
    default:
      return [head];
  }
}

const COUNTED: Array<[Step["kind"], string]> = [
  ["create", "to create"],
  ["update-meta", "to update"],
  ["mark-legacy", "to deprecate"],
  ["unmark-legacy", "to undeprecate"],
  ["archive", "to archive"],
  ["unarchive", "to unarchive"],
  ["alias-create", "alias(es) to create"],
  ["alias-repoint", "alias(es) to re-point"],
  ["alias-delete", "alias(es) to delete"],
];

export function hasWork(plan: Plan): boolean {
  return plan.steps.length > 0;
}

export function summaryLine(plan: Plan): string {
  const counts = COUNTED.map(([kind, label]) => [plan.steps.filter((step) => step.kind === kind).length, label] as const)
    .filter(([count]) => count > 0)
    .map(([count, label]) => `${count} ${label}`);
  const unchanged = `${plan.unchanged.length} model(s) unchanged${plan.unchangedAliases ? `, ${plan.unchangedAliases} alias(es) unchanged` : ""}`;
  return counts.length === 0
    ? `No changes: the live catalog matches the file (${unchanged}).`
    : `Plan: ${counts.join(", ")}; ${unchanged}.`;
}

/** The whole plan, grouped by model/alias in the order the steps run. */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  const order: string[] = [];
  const byTarget = new Map<string, Step[]>();
  for (const step of plan.steps) {
    const target = `${"alias" in step ? "alias " : ""}${stepTarget(step)}`;
    if (!byTarget.has(target)) order.push(target);
    byTarget.set(target, [...(byTarget.get(target) ?? []), step]);
  }
  for (const target of order) {
    const steps = byTarget.get(target) ?? [];
    const version = "model" in (steps[0] as Step) ? plan.versions[stepTarget(steps[0] as Step)] : undefined;
    lines.push(`${target}${version === undefined ? (steps[0]?.kind === "create" ? " (new)" : "") : ` (version ${version})`}`);
    for (const step of steps) lines.push(...stepLines(step));
  }
  if (plan.notDeclared.length > 0) {
    lines.push(
      `= ${plan.notDeclared.length} live model(s) not in the file, left alone (--prune archives them): ${plan.notDeclared.join(", ")}`,
    );
  }
  if (plan.notDeclaredAliases.length > 0) {
    lines.push(
      `= ${plan.notDeclaredAliases.length} live alias(es) not in the file, left alone (--prune deletes them): ${plan.notDeclaredAliases.join(", ")}`,
    );
  }
  for (const note of plan.notes) lines.push(`note: ${note}`);
  lines.push(summaryLine(plan));
  return `${lines.join("\n")}\n`;
}
