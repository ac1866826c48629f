/** @jsxImportSource hono/jsx */
/**
 * Who calls a model, as the dashboard shows it: calls and callers over 24 h
 * and 7 d and the top callers, read through the same queries as
 * /admin/models/:id/usage (src/usage/queries.ts). A caller id is data: JSX
 * escapes it like any other text.
 */
import type { FC } from "hono/jsx";
import type { Database } from "../../../db/client";
import { type CallerUsage, callersOf, usageTotals } from "../../../usage/queries";
import { windowStart } from "../../../usage/window";
import { formatInstant } from "../layout";

const TOP_CALLERS = 10;

export interface ModelUsageSummary {
  day: { calls: number; refused: number; callers: number };
  week: { calls: number; refused: number; callers: number };
  /** The 7 d top callers, most calls first. */
  top: CallerUsage[];
}

export async function modelUsageSummary(db: Database, modelId: string, now: Date): Promise<ModelUsageSummary> {
  const [day, week, top] = await Promise.all([
    usageTotals(db, modelId, windowStart("24h", now)),
    usageTotals(db, modelId, windowStart("7d", now)),
    callersOf(db, modelId, windowStart("7d", now), TOP_CALLERS),
  ]);
  return { day, week, top };
}

/** Distinct callers in the last 24 h: what the archive dialog warns about. */
export async function recentCallers(db: Database, modelId: string, now: Date): Promise<number> {
  return (await usageTotals(db, modelId, windowStart("24h", now))).callers;
}

export const ModelUsage: FC<{ usage: ModelUsageSummary; modelId: string }> = ({ usage, modelId }) => (
  <section aria-labelledby="usage-title">
    <h2 id="usage-title">Usage</h2>
    <table class="usage-totals">
      <thead>
        <tr>
          <th scope="col">Window</th>
          <th scope="col">Calls</th>
          <th scope="col">Refused</th>
          <th scope="col">Callers</th>
        </tr>
      </thead>
      <tbody>
        {(
          [
            ["Last 24 h", usage.day],
            ["Last 7 days", usage.week],
          ] as const
        ).map(([label, totals]) => (
          <tr>
            <th scope="row">{label}</th>
            <td>{totals.calls}</td>
            <td>{totals.refused}</td>
            <td>{totals.callers}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {usage.top.length ? (
      <table class="usage-callers">
        <caption>Top callers, last 7 days</caption>
        <thead>
          <tr>
            <th scope="col">Caller</th>
            <th scope="col">Calls</th>
            <th scope="col">Refused</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {usage.top.map((caller) => (
            <tr>
              <td>
                <code>{caller.caller}</code>
              </td>
              <td>{caller.calls}</td>
              <td>{caller.refused}</td>
              <td>{formatInstant(caller.last_seen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p class="muted">No gate calls in the last 7 days.</p>
    )}
    <p class="muted">
      Every caller: <code>GET /admin/models/{modelId}/usage/callers?format=csv</code> in the admin API.
    </p>
  </section>
);
