/** @jsxImportSource hono/jsx */
import { ArchiveRequestSchema } from "../../../lifecycle/inputs";
import { text } from "../forms";
import { Field } from "../layout";
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

const ArchiveDialog = ({ session, model, dialog }: DialogProps) => (
  <ActionDialog name={NAME} title={`Archive ${model.id}`} dialog={dialog}>
    <DialogForm session={session} model={model} name={NAME}>
      <p>The model disappears from the public catalog and inference is refused (410).</p>
      <Field id="reason" name="reason" label="Reason" errors={dialogErrors(dialog, NAME)} required>
        {(attributes) => <textarea {...attributes}>{dialogValue(dialog, NAME, "reason")}</textarea>}
      </Field>
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
  async submit({ id, form, lifecycle }) {
    const input = ArchiveRequestSchema.safeParse({ reason: text(form, "reason") });
    if (!input.success) return invalidFields(input.error.issues);
    await lifecycle.archive(id, input.data.reason);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
