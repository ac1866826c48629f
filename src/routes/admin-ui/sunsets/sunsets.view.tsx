/** @jsxImportSource hono/jsx */
/** Legacy models whose sunset date falls within the next 30 days (or has passed and the cron has yet to run). */
import type { FC } from "hono/jsx";
import type { ModelRow } from "../../../../drizzle/schema";
import { formatInstant, Layout, UI_ROOT } from "../layout";
import type { StaffSession } from "../session";
import { CallersCells, type CallersPerModel } from "../usage/callers-per-model";
import { type Retirement, ScheduledRetirements } from "./scheduled-retirements";

export const SUNSET_WINDOW_DAYS = 30;

export const SunsetsPage: FC<{
  session: StaffSession;
  models: ModelRow[];
  usage: CallersPerModel;
  now: Date;
  retirements: readonly Retirement[];
}> = ({ session, models, usage, now, retirements }) => (
  <Layout title="Sunsets" session={session} section="sunsets">
    <h1>Sunsets in the next {SUNSET_WINDOW_DAYS} days</h1>
    <p class="muted">
      Legacy models the sunset cron will archive by {formatInstant(new Date(now.getTime() + SUNSET_WINDOW_DAYS * 86_400_000))}.
    </p>
    {models.length ? (
      <table>
        <thead>
          <tr>
            <th scope="col">Sunset date</th>
            <th scope="col">Days left</th>
            <th scope="col">Id</th>
            <th scope="col">Display name</th>
            <th scope="col">Provider</th>
            <th scope="col">Replacement</th>
            <th scope="col">Callers 24 h</th>
            <th scope="col">Callers 7 d</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => {
            const sunset = model.meta.sunsetDate ? new Date(model.meta.sunsetDate) : undefined;
            const days = sunset ? Math.ceil((sunset.getTime() - now.getTime()) / 86_400_000) : undefined;
            return (
              <tr>
                <td>{formatInstant(sunset)}</td>
                <td>{days === undefined ? "" : days <= 0 ? "due now" : String(days)}</td>
                <td>
                  <a href={`${UI_ROOT}/models/${encodeURIComponent(model.id)}`}>{model.id}</a>
                </td>
                <td>{model.meta.displayName}</td>
                <td>{model.provider}</td>
                <td>
                  {model.meta.legacyReplacementModelId ? (
                    <a href={`${UI_ROOT}/models/${encodeURIComponent(model.meta.legacyReplacementModelId)}`}>
                      {model.meta.legacyReplacementModelId}
                    </a>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <CallersCells usage={usage} modelId={model.id} />
              </tr>
            );
          })}
        </tbody>
      </table>
    ) : (
      <p>No model reaches its sunset date in the next {SUNSET_WINDOW_DAYS} days.</p>
    )}
    <ScheduledRetirements retirements={retirements} days={SUNSET_WINDOW_DAYS} />
  </Layout>
);
