/** @jsxImportSource hono/jsx */
/**
 * What every lifecycle dialog of the model page is: a button on the page, a
 * modal <dialog> with a form, and what its submission does. A form that comes
 * back with errors renders its dialog open, with the values sent and the
 * errors beside the fields. The table of dialogs is ./index.ts.
 */
import type { FC } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AliasRow, ModelRow, ScheduledChangeRow } from "../../../../drizzle/schema";
import type { Database } from "../../../db/client";
import type { AliasAction } from "../../../lifecycle/alias-rules";
import type { Lifecycle } from "../../../lifecycle/lifecycle";
import type { LifecycleAction } from "../../../lifecycle/rules";
import type { ScheduledChanges } from "../../../scheduled-changes/scheduled-changes";
import { type FieldValues, type FormFields, fieldErrorsOf } from "../forms";
import { CsrfField, type FieldErrors, Notice, UI_ROOT } from "../layout";
import type { StaffSession } from "../session";

/** A dialog rendered open after its form was refused. */
export interface OpenDialog {
  name: string;
  /** For a dialog about one item of the page (an alias, a scheduled change): which one. */
  item?: string | undefined;
  message?: string | undefined;
  errors?: FieldErrors | undefined;
  values?: FieldValues | undefined;
  /** Someone else changed the model meanwhile; the form shows the current values. */
  conflict?: boolean;
}

export interface DialogProps {
  session: StaffSession;
  model: ModelRow;
  dialog?: OpenDialog | undefined;
  /** Distinct gate callers of the model in the last 24 h (../usage). */
  recentCallers: number;
  /** The aliases pointing at the model. */
  aliases: readonly AliasRow[];
  /** The model's pending scheduled changes, soonest first. */
  pending: readonly ScheduledChangeRow[];
  /** Live models an alias may be pointed at (the Target model field's suggestions). */
  targets: readonly string[];
}

export interface Submission {
  id: string;
  form: FormFields;
  lifecycle: Lifecycle;
  /** Scheduling and cancelling, as the signed-in member of staff. */
  scheduling: ScheduledChanges;
  /** For a dialog that reads before it writes (archive counts the recent callers). */
  db: Database;
  /** The request's If-Match header, if a script sent one. */
  ifMatch: string | undefined;
}

/** Why nothing was changed, shown in the dialog re-opened. */
export interface Refusal {
  status: ContentfulStatusCode;
  message: string;
  errors?: FieldErrors | undefined;
}

/**
 * What a dialog does: a lifecycle action (offered only when lifecycle/rules.ts
 * allows it in the model's state), an alias write, or a plan (offered in any
 * state: the scheduling service judges a plan on the state it will meet).
 */
export type DialogAction = LifecycleAction | AliasAction | "schedule_change" | "cancel_scheduled_change";

export interface DialogSpec<Name extends string = string> {
  /** The dialog's id and the last segment of the URL its form posts to. */
  name: Name;
  action: DialogAction;
  /** A dialog about one item: its buttons sit beside each alias or pending change (the View renders one dialog per item). */
  item?: "alias" | "scheduled_change";
  /** The page's button that opens it. */
  label: string;
  /** The notice on the model page after it succeeded. */
  done: string;
  View: FC<DialogProps>;
  /** Validates the form with the API's schemas and calls the lifecycle; a Refusal when the form is invalid. */
  submit(submission: Submission): Promise<Refusal | undefined>;
}

export const invalidFields = (issues: Parameters<typeof fieldErrorsOf>[0]): Refusal => ({
  status: 400,
  message: "Nothing was changed: check the fields marked below.",
  errors: fieldErrorsOf(issues),
});

const actionUrl = (model: ModelRow, name: string) => `${UI_ROOT}/models/${encodeURIComponent(model.id)}/${name}`;

/** The page's button that opens a dialog (Invoker Commands; dashboard.js covers older browsers). */
export const DialogButton: FC<{ target: string; label: string; name?: string }> = ({ target, label, name }) => (
  <button type="button" commandfor={`dialog-${target}`} command="show-modal" aria-haspopup="dialog" aria-label={name}>
    {label}
  </button>
);

/** The hidden form field that names an item dialog's item. */
export const ITEM_FIELDS = { alias: "alias", scheduled_change: "change" } as const;

/** The DOM name of an item dialog: one per alias or scheduled change. */
export const itemDialogName = (name: string, item: string) => `${name}-${item}`;

/** Whether the dialog that came back is this one (and, for an item dialog, about this item). */
export const isOpen = (dialog: OpenDialog | undefined, name: string, item?: string) =>
  dialog?.name === name && (item === undefined || dialog.item === item);

/**
 * A modal dialog with its heading as its name; open (and later made modal by dashboard.js) when the server re-renders it.
 * `name` is its DOM name; `open` says whether the dialog that came back is this one (by default: same name).
 */
export const ActionDialog: FC<{ name: string; title: string; dialog?: OpenDialog | undefined; open?: boolean; children: unknown }> = ({
  name,
  title,
  dialog,
  open,
  children,
}) => {
  const shown = open ?? dialog?.name === name;
  return (
    <dialog id={`dialog-${name}`} aria-labelledby={`dialog-${name}-title`} open={shown || undefined} closedby="any">
      <h2 id={`dialog-${name}-title`}>{title}</h2>
      {shown && dialog?.message ? <Notice kind={dialog.conflict ? "warning" : "error"}>{dialog.message}</Notice> : null}
      {children}
    </dialog>
  );
};

/** The dialog's form: posts to its action with the session's CSRF token. */
export const DialogForm: FC<{ session: StaffSession; model: ModelRow; name: string; children: unknown }> = ({
  session,
  model,
  name,
  children,
}) => (
  <form method="post" action={actionUrl(model, name)}>
    <CsrfField session={session} />
    {children}
  </form>
);

export const DialogButtons: FC<{ name: string; confirm: string; danger?: boolean; dismiss?: string }> = ({
  name,
  confirm,
  danger,
  dismiss = "Cancel",
}) => (
  <div class="dialog-buttons">
    <button type="button" commandfor={`dialog-${name}`} command="close">
      {dismiss}
    </button>
    <button type="submit" class={danger ? "danger" : "primary"}>
      {confirm}
    </button>
  </div>
);

/** The value sent for a field when this dialog came back, else the fallback (the model's current one). */
export const dialogValue = (dialog: OpenDialog | undefined, name: string, field: string, fallback = "", item?: string): string => {
  const value = isOpen(dialog, name, item) ? dialog?.values?.[field] : undefined;
  return typeof value === "string" ? value : fallback;
};

/** The field errors of this dialog's last submission. */
export const dialogErrors = (dialog: OpenDialog | undefined, name: string, item?: string) =>
  isOpen(dialog, name, item) ? dialog?.errors : undefined;
