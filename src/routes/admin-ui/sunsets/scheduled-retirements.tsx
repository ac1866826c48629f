/** @jsxImportSource hono/jsx */
/**
 * The sunsets page's planned retirements: pending scheduled archives, and
 * pending mark-legacy changes that will set a sunset date, within the page's
 * window (by the archive's effective time, or by the sunset date planned).
 */
import type { FC } from "hono/jsx";
import type { ScheduledChangeRow } from "../../../../drizzle/schema";
import { formatInstant, UI_ROOT } from "../layout";

export interface Retirement {
  change: ScheduledChangeRow;
  /** When the model leaves the catalog: the archive's effective time, or the sunset date planned. */
  at: Date;
  kind: "archive" | "sunset";
}

/** The retirements among pending changes that happen by `until`, soonest first. */
export function retirementsBy(changes: readonly ScheduledChangeRow[], until: Date): Retirement[] {
  const retirements: Retirement[] = [];
  for (const change of changes) {
    const sunset = change.action === "mark_legacy" ? change.body.sunsetDate : undefined;
    const retirement: Retirement | undefined =
      change.action === "archive"
        ? { change, at: change.effectiveAt, kind: "archive" }
        : typeof sunset === "string"
          ? { change, at: new Date(sunset), kind: "sunset" }
          : undefined;
    if (retirement && retirement.at.getTime() <= until.getTime()) retirements.push(retirement);
  }
  return retirements.sort((a, b) => a.at.getTime() - b.at.getTime());
}

const modelLink = (id: string | null) => (id ? <a href={`${UI_ROOT}/models/${encodeURIComponent(id)}`}>{id}</a> : "");

export const ScheduledRetirements: FC<{ retirements: readonly Retirement[]; days: number }> = ({ retirements, days }) => (
  <section aria-labelledby="scheduled-retirements-title">
    <h2 id="scheduled-retirements-title">Scheduled retirements</h2>
    <p class="muted">Pending scheduled changes that archive a model, or mark it legacy with a sunset date, in the next {days} days.</p>
    {retirements.length ? (
      <table id="scheduled-retirements">
        <thead>
          <tr>
            <th scope="col">Leaves the catalog (UTC)</th>
            <th scope="col">Id</th>
            <th scope="col">Planned change</th>
            <th scope="col">Planned by</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {retirements.map(({ change, at, kind }) => (
            <tr>
              <td>{formatInstant(at)}</td>
              <td>{modelLink(change.modelId)}</td>
              <td>
                {kind === "archive"
                  ? `Archive at ${formatInstant(change.effectiveAt)}`
                  : `Mark legacy at ${formatInstant(change.effectiveAt)}, sunset date ${formatInstant(at)}`}
              </td>
              <td>{change.createdBy}</td>
              <td>{change.reason ?? (typeof change.body.reason === "string" ? change.body.reason : "")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p>No retirement is scheduled in the next {days} days.</p>
    )}
  </section>
);
