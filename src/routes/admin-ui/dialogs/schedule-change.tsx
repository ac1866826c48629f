/** @jsxImportSource hono/jsx */
/**
 * Schedule change: plan one of the model's lifecycle actions for a date and
 * time (POST /admin/scheduled-changes through the same service). Every
 * action's fields are in the form; dashboard.js shows only the chosen one's
 * and the chosen instant in the browser's own time zone.
 */
import { ApiError } from "../../../http/errors";
import { MODEL_ACTIONS } from "../../../lifecycle/transitions";
import { modelById } from "../../../queries/models";
import { ScheduleChangeSchema } from "../../../scheduled-changes/inputs";
import { Field } from "../layout";
import { ActionDialog, DialogButtons, DialogForm, type DialogProps, type DialogSpec, dialogErrors, dialogValue, isOpen } from "./dialog";
import { MetaFields } from "./edit-meta";
import { editMetaValuesOf } from "./edit-meta-form";
import { SCHEDULED_ACTION_LABELS, scheduleFieldErrors, scheduleInput } from "./schedule-change-form";

const NAME = "schedule-change";
const id = (field: string) => `${NAME}-${field}`;

const ScheduleChangeDialog = ({ session, model, dialog }: DialogProps) => {
  const errors = dialogErrors(dialog, NAME);
  const value = (field: string, fallback = "") => dialogValue(dialog, NAME, field, fallback);
  const action = value("action", "update_meta");
  // The meta fields as sent when the plan came back refused, else as the model has them now.
  const metaValues = isOpen(dialog, NAME) && action === "update_meta" && dialog?.values ? dialog.values : editMetaValuesOf(model.meta);
  return (
    <ActionDialog name={NAME} title={`Schedule a change of ${model.id}`} dialog={dialog}>
      <DialogForm session={session} model={model} name={NAME}>
        <p>The change is applied at the time you choose by the scheduler, with the same rules as doing it now.</p>
        <Field id={id("action")} name="action" label="Action" errors={errors} required>
          {(attributes) => (
            <select data-schedule-action {...attributes}>
              {MODEL_ACTIONS.map((option) => (
                <option value={option} selected={action === option}>
                  {SCHEDULED_ACTION_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={id("effectiveAt")}
          name="effectiveAt"
          label="Effective at (UTC)"
          type="datetime-local"
          hint="Date and time in UTC (Coordinated Universal Time), at least a minute and at most two years ahead."
          value={value("effectiveAt")}
          errors={errors}
          required
        />
        <output class="muted local-time" for={id("effectiveAt")} data-local-time-of={id("effectiveAt")} />
        <fieldset data-action="mark_legacy">
          <legend>Mark legacy</legend>
          <Field
            id={id("replacementModelId")}
            name="replacementModelId"
            label="Replacement model"
            value={value("replacementModelId")}
            errors={errors}
          />
          <Field id={id("deprecationNotice")} name="deprecationNotice" label="Deprecation notice" errors={errors}>
            {(attributes) => <textarea {...attributes}>{value("deprecationNotice")}</textarea>}
          </Field>
          <Field
            id={id("sunsetDate")}
            name="sunsetDate"
            label="Sunset date"
            type="date"
            hint="UTC midnight."
            value={value("sunsetDate")}
            errors={errors}
          />
        </fieldset>
        <fieldset data-action="update_meta">
          <legend>Update meta: the values from the effective time on (only the fields you change are planned)</legend>
          <MetaFields values={metaValues} errors={errors} idPrefix={id("meta")} />
        </fieldset>
        <p class="muted" data-action="unmark_legacy archive unarchive">
          Unmark legacy and Unarchive take no fields; Archive needs a reason.
        </p>
        <Field id={id("reason")} name="reason" label="Reason" hint="In the audit trail; required for Archive." errors={errors}>
          {(attributes) => <textarea {...attributes}>{value("reason")}</textarea>}
        </Field>
        <DialogButtons name={NAME} confirm="Schedule change" />
      </DialogForm>
    </ActionDialog>
  );
};

export const scheduleChangeDialog = {
  name: NAME,
  action: "schedule_change",
  label: "Schedule change",
  done: "The change is scheduled.",
  View: ScheduleChangeDialog,
  async submit({ id: modelId, form, db, scheduling }) {
    const model = await modelById(db, modelId);
    if (!model) throw new ApiError("not_found", `There is no model ${modelId}.`);
    const { input, errors } = scheduleInput(form, model);
    const refused = { status: 400 as const, message: "Nothing was scheduled: check the fields marked below." };
    if (errors) return { ...refused, errors };
    const parsed = ScheduleChangeSchema.safeParse(input);
    if (!parsed.success) return { ...refused, errors: scheduleFieldErrors(parsed.error.issues) };
    try {
      await scheduling.schedule(parsed.data, new Date());
    } catch (error) {
      // Not legal at that time (unarchive an active model): said beside the action chosen.
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      return { status: 409, message: `Nothing was scheduled: ${error.message}.`, errors: { action: [error.message] } };
    }
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
