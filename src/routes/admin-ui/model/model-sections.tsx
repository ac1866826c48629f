/** @jsxImportSource hono/jsx */
/**
 * The model page's sections about names and time: its aliases (each with
 * Re-point and Delete), its pending scheduled changes (each with Cancel) and
 * its public history, newest first. The buttons open the item dialogs of
 * ../dialogs, rendered once per item.
 */
import type { FC } from "hono/jsx";
import type { AliasRow, ModelRow, ScheduledChangeRow } from "../../../../drizzle/schema";
import type { LatestHistory } from "../../../catalog/as-of";
import { DialogButton, itemDialogName } from "../dialogs/dialog";
import { SCHEDULED_CHANGE_LABELS } from "../dialogs/schedule-change-form";
import { formatInstant } from "../layout";

const json = (value: unknown) => (value === undefined ? "" : JSON.stringify(value));

/** The item buttons offered, by dialog name (the page passes only the dialogs it offers). */
type Offered = readonly { name: string; label: string; item?: string | undefined }[];

const ItemButtons: FC<{ offered: Offered; item: "alias" | "scheduled_change"; id: string; subject: string }> = ({
  offered,
  item,
  id,
  subject,
}) => (
  <>
    {offered
      .filter((spec) => spec.item === item)
      .map((spec) => (
        <DialogButton target={itemDialogName(spec.name, id)} label={spec.label} name={`${spec.label} ${subject}`} />
      ))}
  </>
);

export const AliasesSection: FC<{ aliases: readonly AliasRow[]; offered: Offered }> = ({ aliases, offered }) => (
  <section aria-labelledby="aliases-title">
    <h2 id="aliases-title">Aliases</h2>
    {aliases.length ? (
      <table id="model-aliases">
        <thead>
          <tr>
            <th scope="col">Alias</th>
            <th scope="col">Changed</th>
            <th scope="col">By</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {aliases.map((alias) => (
            <tr data-alias={alias.alias}>
              <td>
                <code>{alias.alias}</code>
              </td>
              <td>{formatInstant(alias.updatedAt)}</td>
              <td>{alias.updatedBy}</td>
              <td class="row-actions">
                <ItemButtons offered={offered} item="alias" id={alias.alias} subject={alias.alias} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p class="muted">No alias points at this model.</p>
    )}
  </section>
);

/** What a pending change will do: its public changes when it has any, else its request body. */
const ChangeSummary: FC<{ change: ScheduledChangeRow }> = ({ change }) =>
  change.publicChanges ? (
    <ul class="changes">
      {Object.entries(change.publicChanges).map(([field, { from, to }]) => (
        <li>
          <code>{field}</code>: {json(from)} → {json(to)}
        </li>
      ))}
    </ul>
  ) : (
    <pre class="json">{JSON.stringify(change.body, null, 1)}</pre>
  );

export const ScheduledSection: FC<{ pending: readonly ScheduledChangeRow[]; offered: Offered }> = ({ pending, offered }) => (
  <section aria-labelledby="scheduled-title">
    <h2 id="scheduled-title">Scheduled changes</h2>
    {pending.length ? (
      <table id="model-scheduled-changes">
        <thead>
          <tr>
            <th scope="col">Effective at (UTC)</th>
            <th scope="col">Action</th>
            <th scope="col">Changes</th>
            <th scope="col">Planned by</th>
            <th scope="col">Reason</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {pending.map((change) => (
            <tr data-scheduled-change={change.id}>
              <td>
                <time datetime={change.effectiveAt.toISOString()}>{formatInstant(change.effectiveAt)}</time>
              </td>
              <td>{SCHEDULED_CHANGE_LABELS[change.action]}</td>
              <td>
                <ChangeSummary change={change} />
              </td>
              <td>{change.createdBy}</td>
              <td>{change.reason ?? ""}</td>
              <td class="row-actions">
                <ItemButtons offered={offered} item="scheduled_change" id={change.id} subject={`the ${change.action} change`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p class="muted">No change is scheduled.</p>
    )}
  </section>
);

/** How many history entries the page shows; the public endpoint has them all. */
export const HISTORY_SHOWN = 20;

export const HistorySection: FC<{ model: ModelRow; history: LatestHistory }> = ({ model, history }) => {
  const newestFirst = [...history.entries].reverse();
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Public history</h2>
      <p class="muted">
        What clients can read of this model over time, newest first
        {history.older ? ` (the latest ${newestFirst.length})` : ""}.{" "}
        <a href={`/v1/models/${encodeURIComponent(model.id)}/history`}>Full history (JSON, oldest first)</a>
      </p>
      <table id="model-history">
        <thead>
          <tr>
            <th scope="col">At (UTC)</th>
            <th scope="col">Version</th>
            <th scope="col">Action</th>
            <th scope="col">Public changes</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((entry) => (
            <tr>
              <td>{formatInstant(entry.at)}</td>
              <td>{entry.version}</td>
              <td>{entry.action}</td>
              <td>
                {entry.action === "create" ? (
                  <details>
                    <summary>created with {Object.keys(entry.changes).length} public fields</summary>
                    <pre class="json">
                      {JSON.stringify(Object.fromEntries(Object.entries(entry.changes).map(([k, v]) => [k, v.to])), null, 1)}
                    </pre>
                  </details>
                ) : (
                  <ul class="changes">
                    {Object.entries(entry.changes).map(([field, { from, to }]) => (
                      <li>
                        <code>{field}</code>: {json(from)} → {json(to)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};
