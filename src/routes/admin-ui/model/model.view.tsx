/** @jsxImportSource hono/jsx */
/**
 * One model: flags, meta, audit trail, and the lifecycle actions the rules
 * allow in its state, each behind a confirmation dialog (../dialogs).
 */
import type { FC } from "hono/jsx";
import type { AliasRow, AuditRow, ModelRow, ScheduledChangeRow } from "../../../../drizzle/schema";
import type { LatestHistory } from "../../../catalog/as-of";
import { offeredDialogs } from "../dialogs";
import { DialogButton, type DialogSpec, type OpenDialog } from "../dialogs/dialog";
import { formatInstant, Layout, Notice, StatusBadge, UI_ROOT } from "../layout";
import { statusOf } from "../model-status";
import type { StaffSession } from "../session";
import { ModelUsage, type ModelUsageSummary } from "../usage/model-usage";
import { AliasesSection, HistorySection, ScheduledSection } from "./model-sections";

export interface ModelPageProps {
  session: StaffSession;
  model: ModelRow;
  audit: AuditRow[];
  /** The aliases pointing at this model, by id. */
  aliases: readonly AliasRow[];
  /** Its pending scheduled changes, soonest first. */
  pending: readonly ScheduledChangeRow[];
  /** The latest entries of its public history, oldest first. */
  history: LatestHistory;
  /** Live models an alias may be re-pointed at. */
  targets: readonly string[];
  auditNext?: number | undefined;
  usage: ModelUsageSummary;
  /** What the last action did, when it succeeded. */
  done?: string | undefined;
  dialog?: OpenDialog | undefined;
}

const displayValue = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Whether the dialog that came back is on the page (an alias re-pointed elsewhere, a change applied meanwhile, are not). */
function dialogOnPage(dialog: OpenDialog, offered: readonly DialogSpec[], props: ModelPageProps) {
  const spec = offered.find((candidate) => candidate.name === dialog.name);
  if (!spec) return false;
  if (spec.item === "alias") return props.aliases.some((row) => row.alias === dialog.item);
  if (spec.item === "scheduled_change") return props.pending.some((row) => row.id === dialog.item);
  return true;
}

export const ModelPage: FC<ModelPageProps> = (props) => {
  const { session, model, audit, aliases, pending, history, targets, auditNext, usage, done, dialog } = props;
  const status = statusOf(model);
  const offered = offeredDialogs(model);
  const meta = model.meta as Record<string, unknown>;
  return (
    <Layout title={`${model.id}`} session={session} section="models">
      <p>
        <a href={`${UI_ROOT}/models`}>← All models</a>
      </p>
      <h1>
        {model.meta.displayName} <code>{model.id}</code> <StatusBadge status={status} />
      </h1>
      {done ? <Notice kind="success">{done}</Notice> : null}
      {/* A refusal whose dialog no longer applies (archiving what someone just archived) is said on the page. */}
      {dialog?.message && !dialogOnPage(dialog, offered, props) ? <Notice kind="error">{dialog.message}</Notice> : null}

      <div class="actions">
        {offered
          .filter((spec) => !spec.item)
          .map((spec) => (
            <DialogButton target={spec.name} label={spec.label} />
          ))}
      </div>

      <h2>Flags</h2>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{model.name}</dd>
        <dt>Provider</dt>
        <dd>{model.provider}</dd>
        <dt>Available</dt>
        <dd>{model.isAvailable ? "yes" : "no"}</dd>
        <dt>Legacy</dt>
        <dd>{model.isLegacy ? `yes, since ${formatInstant(model.legacySince)}` : "no"}</dd>
        <dt>Archived</dt>
        <dd>{model.isArchived ? "yes" : "no"}</dd>
        <dt>Aliases</dt>
        <dd>{aliases.length ? aliases.map((row) => row.alias).join(", ") : <span class="muted">none</span>}</dd>
        <dt>Version</dt>
        <dd>{model.rowVersion}</dd>
        <dt>Created</dt>
        <dd>{formatInstant(model.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatInstant(model.updatedAt)}</dd>
      </dl>

      <h2>Meta</h2>
      <dl class="facts">
        {Object.entries(meta).map(([key, value]) => (
          <>
            <dt>{key}</dt>
            <dd>{displayValue(value)}</dd>
          </>
        ))}
      </dl>

      <AliasesSection aliases={aliases} offered={offered} />
      <ScheduledSection pending={pending} offered={offered} />

      <ModelUsage usage={usage} modelId={model.id} />

      <HistorySection model={model} history={history} />

      <h2>Audit trail</h2>
      {audit.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Reason</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((entry) => (
              <tr>
                <td>{formatInstant(entry.createdAt)}</td>
                <td>{entry.actor}</td>
                <td>{entry.action}</td>
                <td>{entry.reason ?? ""}</td>
                <td>
                  <pre class="json">{entry.previousValue === null ? "" : JSON.stringify(entry.previousValue, null, 1)}</pre>
                </td>
                <td>
                  <pre class="json">{entry.newValue === null ? "" : JSON.stringify(entry.newValue, null, 1)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No changes recorded.</p>
      )}
      {auditNext ? (
        <p>
          <a href={`${UI_ROOT}/models/${encodeURIComponent(model.id)}?audit_before=${auditNext}`}>Older entries →</a>
        </p>
      ) : null}

      {offered.map((spec) => (
        <spec.View
          session={session}
          model={model}
          dialog={dialog}
          recentCallers={usage.day.callers}
          aliases={aliases}
          pending={pending}
          targets={targets}
        />
      ))}
    </Layout>
  );
};
