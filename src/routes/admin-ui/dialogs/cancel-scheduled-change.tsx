/** @jsxImportSource hono/jsx */
/** Cancel one of the model's pending scheduled changes (DELETE /admin/scheduled-changes/:id through the same service). */
import { ApiError } from "../../../http/errors";
import { scheduledChangeById } from "../../../queries/scheduled-changes";
import { text } from "../forms";
import { formatInstant } from "../layout";
import { ActionDialog, DialogButtons, DialogForm, type DialogProps, type DialogSpec, isOpen, itemDialogName } from "./dialog";
import { SCHEDULED_CHANGE_LABELS } from "./schedule-change-form";

const NAME = "cancel-scheduled-change";

const CancelDialogs = ({ session, model, dialog, pending }: DialogProps) => (
  <>
    {pending.map((change) => {
      const dom = itemDialogName(NAME, change.id);
      return (
        <ActionDialog name={dom} title="Cancel the scheduled change" dialog={dialog} open={isOpen(dialog, NAME, change.id)}>
          <DialogForm session={session} model={model} name={NAME}>
            <input type="hidden" name="change" value={change.id} />
            <p>
              {SCHEDULED_CHANGE_LABELS[change.action]} of {model.id}, due {formatInstant(change.effectiveAt)}, planned by {change.createdBy}
              , will not be applied.
            </p>
            <DialogButtons name={dom} confirm="Cancel change" dismiss="Keep it" danger />
          </DialogForm>
        </ActionDialog>
      );
    })}
  </>
);

export const cancelScheduledChangeDialog = {
  name: NAME,
  action: "cancel_scheduled_change",
  item: "scheduled_change",
  label: "Cancel",
  done: "The scheduled change is cancelled.",
  View: CancelDialogs,
  async submit({ id, form, db, scheduling }) {
    const changeId = text(form, "change");
    const change = /^[A-Za-z0-9_-]{1,100}$/.test(changeId) ? await scheduledChangeById(db, changeId) : undefined;
    if (change?.modelId !== id) return { status: 404, message: `Nothing was cancelled: ${id} has no scheduled change ${changeId}.` };
    try {
      await scheduling.cancel(changeId);
    } catch (error) {
      // Applied, failed or cancelled by someone else meanwhile.
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      return { status: 409, message: `Nothing was cancelled: ${error.message}.` };
    }
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
