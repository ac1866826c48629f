/** @jsxImportSource hono/jsx */
/**
 * One model: flags, meta, audit trail, and the five lifecycle actions, each
 * behind a confirmation <dialog>. A form that comes back with errors renders
 * its dialog open, with the values sent and the errors beside the fields.
 */
import type { FC } from "hono/jsx";
import type { AuditRow, ModelRow } from "../../../drizzle/schema";
import { MODEL_CAPABILITIES, SUBSCRIPTION_TIERS } from "../../domain/model-meta";
import { statusOf } from "../../queries/models";
import { type EditMetaValues, editMetaValuesOf } from "./forms";
import { CsrfField, Field, type FieldErrors, formatInstant, Layout, Notice, StatusBadge, UI_ROOT } from "./layout";
import type { StaffSession } from "./session";

export type DialogName = "mark-legacy" | "unmark-legacy" | "archive" | "unarchive" | "edit-meta";

export interface OpenDialog {
  name: DialogName;
  message?: string | undefined;
  errors?: FieldErrors | undefined;
  values?: Record<string, string | string[]> | undefined;
  /** Edit meta only: someone else changed the model; the form shows the current values. */
  conflict?: boolean;
}

export const DONE_MESSAGES: Record<DialogName, string> = {
  "mark-legacy": "The model is now legacy.",
  "unmark-legacy": "The model is no longer legacy.",
  archive: "The model is archived.",
  unarchive: "The model is unarchived.",
  "edit-meta": "The meta is saved.",
};

export interface ModelPageProps {
  session: StaffSession;
  model: ModelRow;
  audit: AuditRow[];
  auditNext?: number | undefined;
  done?: DialogName | undefined;
  dialog?: OpenDialog | undefined;
}

/** The actions the lifecycle rules allow in the model's state (src/lifecycle/rules.ts); the page offers only these. */
function offers(model: ModelRow, action: DialogName): boolean {
  switch (action) {
    case "mark-legacy":
    case "archive":
      return !model.isArchived;
    case "unmark-legacy":
      return model.isLegacy && !model.isArchived;
    case "unarchive":
      return model.isArchived;
    case "edit-meta":
      return true;
  }
}

const actionUrl = (model: ModelRow, action: DialogName) => `${UI_ROOT}/models/${encodeURIComponent(model.id)}/${action}`;

const displayValue = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export const ModelPage: FC<ModelPageProps> = ({ session, model, audit, auditNext, done, dialog }) => {
  const status = statusOf(model);
  const meta = model.meta as Record<string, unknown>;
  return (
    <Layout title={`${model.id}`} session={session} section="models">
      <p>
        <a href={`${UI_ROOT}/models`}>← All models</a>
      </p>
      <h1>
        {model.meta.displayName} <code>{model.id}</code> <StatusBadge status={status} />
      </h1>
      {done ? <Notice kind="success">{DONE_MESSAGES[done]}</Notice> : null}
      {/* A refusal whose dialog no longer applies (archiving what someone just archived) is said on the page. */}
      {dialog?.message && !offers(model, dialog.name) ? <Notice kind="error">{dialog.message}</Notice> : null}

      <div class="actions">
        {offers(model, "mark-legacy") ? <DialogButton target="mark-legacy" label="Mark legacy" /> : null}
        {offers(model, "unmark-legacy") ? <DialogButton target="unmark-legacy" label="Unmark legacy" /> : null}
        {offers(model, "archive") ? <DialogButton target="archive" label="Archive" /> : null}
        {offers(model, "unarchive") ? <DialogButton target="unarchive" label="Unarchive" /> : null}
        <DialogButton target="edit-meta" label="Edit meta" />
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

      {offers(model, "mark-legacy") ? <MarkLegacyDialog session={session} model={model} dialog={dialog} /> : null}
      {offers(model, "unmark-legacy") ? (
        <ConfirmDialog
          session={session}
          model={model}
          name="unmark-legacy"
          title="Unmark legacy"
          text="Clients will see the model as current again; its replacement, notice and sunset date are removed."
          dialog={dialog}
        />
      ) : null}
      {offers(model, "unarchive") ? (
        <ConfirmDialog
          session={session}
          model={model}
          name="unarchive"
          title="Unarchive"
          text="The model returns to the public catalog; legacy status is kept."
          dialog={dialog}
        />
      ) : (
        <ArchiveDialog session={session} model={model} dialog={dialog} />
      )}
      <EditMetaDialog session={session} model={model} dialog={dialog} />
    </Layout>
  );
};

const DialogButton: FC<{ target: DialogName; label: string }> = ({ target, label }) => (
  <button type="button" commandfor={`dialog-${target}`} command="show-modal" aria-haspopup="dialog">
    {label}
  </button>
);

/** A modal dialog with its heading as its name; open (and later made modal by dashboard.js) when the server re-renders it. */
const ActionDialog: FC<{ name: DialogName; title: string; open: boolean; children: unknown }> = ({ name, title, open, children }) => (
  <dialog id={`dialog-${name}`} aria-labelledby={`dialog-${name}-title`} open={open || undefined} closedby="any">
    <h2 id={`dialog-${name}-title`}>{title}</h2>
    {children}
  </dialog>
);

const DialogButtons: FC<{ name: DialogName; confirm: string; danger?: boolean }> = ({ name, confirm, danger }) => (
  <div class="dialog-buttons">
    <button type="button" commandfor={`dialog-${name}`} command="close">
      Cancel
    </button>
    <button type="submit" class={danger ? "danger" : "primary"}>
      {confirm}
    </button>
  </div>
);

const DialogMessage: FC<{ dialog?: OpenDialog | undefined; name: DialogName }> = ({ dialog, name }) =>
  dialog?.name === name && dialog.message ? <Notice kind={dialog.conflict ? "warning" : "error"}>{dialog.message}</Notice> : null;

const dialogValue = (dialog: OpenDialog | undefined, name: DialogName, field: string, fallback = ""): string => {
  const value = dialog?.name === name ? dialog.values?.[field] : undefined;
  return typeof value === "string" ? value : fallback;
};

const MarkLegacyDialog: FC<{ session: StaffSession; model: ModelRow; dialog?: OpenDialog | undefined }> = ({ session, model, dialog }) => {
  const errors = dialog?.name === "mark-legacy" ? dialog.errors : undefined;
  return (
    <ActionDialog name="mark-legacy" title={`Mark ${model.id} legacy`} open={dialog?.name === "mark-legacy"}>
      <DialogMessage dialog={dialog} name="mark-legacy" />
      <form method="post" action={actionUrl(model, "mark-legacy")}>
        <CsrfField session={session} />
        <p>Clients keep using the model, with a deprecation warning, until it is archived.</p>
        <Field
          id="replacementModelId"
          name="replacementModelId"
          label="Replacement model"
          hint="The id of the model clients should move to (optional)."
          value={dialogValue(dialog, "mark-legacy", "replacementModelId", model.meta.legacyReplacementModelId ?? "")}
          errors={errors}
        />
        <Field id="deprecationNotice" name="deprecationNotice" label="Deprecation notice" errors={errors}>
          {(attributes) => (
            <textarea {...attributes}>
              {dialogValue(dialog, "mark-legacy", "deprecationNotice", model.meta.deprecationNotice ?? "")}
            </textarea>
          )}
        </Field>
        <Field
          id="sunsetDate"
          name="sunsetDate"
          label="Sunset date"
          type="date"
          hint="The model is archived automatically on this date (UTC midnight). Optional."
          value={dialogValue(dialog, "mark-legacy", "sunsetDate", model.meta.sunsetDate?.slice(0, 10) ?? "")}
          errors={errors}
        />
        <DialogButtons name="mark-legacy" confirm="Mark legacy" />
      </form>
    </ActionDialog>
  );
};

const ArchiveDialog: FC<{ session: StaffSession; model: ModelRow; dialog?: OpenDialog | undefined }> = ({ session, model, dialog }) => (
  <ActionDialog name="archive" title={`Archive ${model.id}`} open={dialog?.name === "archive"}>
    <DialogMessage dialog={dialog} name="archive" />
    <form method="post" action={actionUrl(model, "archive")}>
      <CsrfField session={session} />
      <p>The model disappears from the public catalog and inference is refused (410).</p>
      <Field id="reason" name="reason" label="Reason" errors={dialog?.name === "archive" ? dialog.errors : undefined} required>
        {(attributes) => <textarea {...attributes}>{dialogValue(dialog, "archive", "reason")}</textarea>}
      </Field>
      <DialogButtons name="archive" confirm="Archive" danger />
    </form>
  </ActionDialog>
);

const ConfirmDialog: FC<{
  session: StaffSession;
  model: ModelRow;
  name: "unmark-legacy" | "unarchive";
  title: string;
  text: string;
  dialog?: OpenDialog | undefined;
}> = ({ session, model, name, title, text, dialog }) => (
  <ActionDialog name={name} title={`${title} ${model.id}`} open={dialog?.name === name}>
    <DialogMessage dialog={dialog} name={name} />
    <form method="post" action={actionUrl(model, name)}>
      <CsrfField session={session} />
      <p>{text}</p>
      <DialogButtons name={name} confirm={title} />
    </form>
  </ActionDialog>
);

const EditMetaDialog: FC<{ session: StaffSession; model: ModelRow; dialog?: OpenDialog | undefined }> = ({ session, model, dialog }) => {
  const mine = dialog?.name === "edit-meta";
  // After a conflict the form shows the model as it is now, not what was sent.
  const values: EditMetaValues = mine && dialog.values && !dialog.conflict ? dialog.values : editMetaValuesOf(model.meta);
  const errors = mine ? dialog.errors : undefined;
  const text = (field: string) => (typeof values[field] === "string" ? (values[field] as string) : "");
  const list = (field: string) => (Array.isArray(values[field]) ? (values[field] as string[]) : []);
  const input = (field: string, label: string, type = "text", hint?: string) => (
    <Field id={`meta-${field}`} name={field} label={label} type={type} value={text(field)} errors={errors} hint={hint} />
  );
  const checkboxes = (field: string, legend: string, options: readonly string[]) => (
    <fieldset aria-describedby={errors?.[field] ? `meta-${field}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label>
          <input type="checkbox" name={field} value={option} checked={list(field).includes(option)} /> {option}
        </label>
      ))}
      {errors?.[field] ? (
        <p id={`meta-${field}-error`} class="field-error">
          {errors[field]?.join("; ")}
        </p>
      ) : null}
    </fieldset>
  );
  const select = (field: string, label: string, options: readonly string[]) => (
    <Field id={`meta-${field}`} name={field} label={label} errors={errors}>
      {(attributes) => (
        <select {...attributes}>
          {options.map((option) => (
            <option value={option} selected={text(field) === option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const textarea = (field: string, label: string, hint?: string) => (
    <Field id={`meta-${field}`} name={field} label={label} errors={errors} hint={hint}>
      {(attributes) => <textarea {...attributes}>{text(field)}</textarea>}
    </Field>
  );
  return (
    <ActionDialog name="edit-meta" title={`Edit meta of ${model.id}`} open={mine}>
      <DialogMessage dialog={dialog} name="edit-meta" />
      <form method="post" action={actionUrl(model, "edit-meta")}>
        <CsrfField session={session} />
        {/* The version this form was filled from: the server checks it as If-Match, so a concurrent change is never overwritten. */}
        <input type="hidden" name="ifMatch" value={`"${model.rowVersion}"`} />
        {input("displayName", "Display name")}
        {textarea("description", "Description")}
        <div class="grid2">
          {input("version", "Version")}
          {input("contextLength", "Context length", "number")}
          {input("maxOutputTokens", "Max output tokens", "number")}
          {input("creditsPer1kTokens", "Credits per 1k tokens", "number")}
          {input("inputCostPerMillionTokens", "Input cost per million tokens", "number")}
          {input("outputCostPerMillionTokens", "Output cost per million tokens", "number")}
          {select("requiredTier", "Required tier", SUBSCRIPTION_TIERS)}
          {select("tierRestrictionMode", "Tier restriction mode", ["minimum", "exact", "whitelist"])}
        </div>
        {checkboxes("allowedTiers", "Allowed tiers", SUBSCRIPTION_TIERS)}
        {checkboxes("capabilities", "Capabilities", MODEL_CAPABILITIES)}
        {textarea("internalNotes", "Internal notes", "Staff only; never shown to clients.")}
        {input("complianceTags", "Compliance tags", "text", "Comma-separated. Staff only.")}
        {textarea("providerMetadata", "Provider metadata (JSON)", "A JSON object. Staff only.")}
        <DialogButtons name="edit-meta" confirm="Save meta" />
      </form>
    </ActionDialog>
  );
};
