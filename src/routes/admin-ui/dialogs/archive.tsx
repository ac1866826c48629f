/** @jsxImportSource hono/jsx */
import { ArchiveRequestSchema } from "../../../lifecycle/inputs";
import { text } from "../forms";
import { Field } from "../layout";
import { recentCallers } from "../usage/model-usage";
import {
  ActionDialog,
  DialogButtons,
  DialogForm,
  type DialogProps,
  type DialogSpec,
  dialogErrors,
  dialogValue,
  invalidFields,
} from "./dialog";

const NAME = "archive";
/** The field in which staff type the model id when the model had callers in the last 24 h. */
const CONFIRM_FIELD = "confirm_id";

const callersSentence = (count: number) =>
  count === 0
    ? "No caller used this model through the gate in the last 24 h."
    : `${count} ${count === 1 ? "caller" : "callers"} used this model through the gate in the last 24 h: they will be refused.`;

/** The id as an HTML `pattern` (the browser's check; submit() checks again). */
const exactly = (id: string) => id.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

const ArchiveDialog = ({ session, model, dialog, recentCallers: callers }: DialogProps) => (
  <ActionDialog name={NAME} title={`Archive ${model.id}`} dialog={dialog}>
    <DialogForm session={session} model={model} name={NAME}>
      <p>The model disappears from the public catalog and inference is refused (410).</p>
      <p class={callers ? "callers-warning" : "muted"}>{callersSentence(callers)}</p>
      <Field id="reason" name="reason" label="Reason" errors={dialogErrors(dialog, NAME)} required>
        {(attributes) => <textarea {...attributes}>{dialogValue(dialog, NAME, "reason")}</textarea>}
      </Field>
      {callers ? (
        <Field id={CONFIRM_FIELD} name={CONFIRM_FIELD} label={`Type ${model.id} to confirm`} errors={dialogErrors(dialog, NAME)} required>
          {(attributes) => (
            <input
              type="text"
              autocomplete="off"
              spellcheck={false}
              pattern={exactly(model.id)}
              value={dialogValue(dialog, NAME, CONFIRM_FIELD)}
              {...attributes}
            />
          )}
        </Field>
      ) : null}
      <DialogButtons name={NAME} confirm="Archive" danger />
    </DialogForm>
  </ActionDialog>
);

export const archiveDialog = {
  name: NAME,
  action: "archive",
  label: "Archive",
  done: "The model is archived.",
  View: ArchiveDialog,
  async submit({ id, form, lifecycle, db }) {
    const input = ArchiveRequestSchema.safeParse({ reason: text(form, "reason") });
    if (!input.success) return invalidFields(input.error.issues);
    const callers = await recentCallers(db, id, new Date());
    if (callers > 0 && text(form, CONFIRM_FIELD) !== id) {
      return {
        status: 400,
        message: `Nothing was changed: ${callersSentence(callers)} Type the model id to confirm.`,
        errors: { [CONFIRM_FIELD]: [`Type ${id} exactly.`] },
      };
    }
    await lifecycle.archive(id, input.data.reason);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
