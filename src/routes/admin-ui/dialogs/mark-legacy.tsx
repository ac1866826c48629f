/** @jsxImportSource hono/jsx */
import { LegacyOptionsSchema } from "../../../lifecycle/inputs";
import { type FormFields, text } from "../forms";
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

const NAME = "mark-legacy";

const optionalText = (form: FormFields, name: string) => text(form, name).trim() || undefined;

/** Empty fields are left out; a date from `<input type="date">` means midnight UTC. */
export function markLegacyInput(form: FormFields) {
  const sunset = optionalText(form, "sunsetDate");
  return {
    replacementModelId: optionalText(form, "replacementModelId"),
    deprecationNotice: optionalText(form, "deprecationNotice"),
    sunsetDate: sunset && /^\d{4}-\d{2}-\d{2}$/.test(sunset) ? `${sunset}T00:00:00Z` : sunset,
  };
}

const MarkLegacyDialog = ({ session, model, dialog }: DialogProps) => {
  const errors = dialogErrors(dialog, NAME);
  return (
    <ActionDialog name={NAME} title={`Mark ${model.id} legacy`} dialog={dialog}>
      <DialogForm session={session} model={model} name={NAME}>
        <p>Clients keep using the model, with a deprecation warning, until it is archived.</p>
        <Field
          id="replacementModelId"
          name="replacementModelId"
          label="Replacement model"
          hint="The id of the model clients should move to (optional)."
          value={dialogValue(dialog, NAME, "replacementModelId", model.meta.legacyReplacementModelId ?? "")}
          errors={errors}
        />
        <Field id="deprecationNotice" name="deprecationNotice" label="Deprecation notice" errors={errors}>
          {(attributes) => (
            <textarea {...attributes}>{dialogValue(dialog, NAME, "deprecationNotice", model.meta.deprecationNotice ?? "")}</textarea>
          )}
        </Field>
        <Field
          id="sunsetDate"
          name="sunsetDate"
          label="Sunset date"
          type="date"
          hint="The model is archived automatically on this date (UTC midnight). Optional."
          value={dialogValue(dialog, NAME, "sunsetDate", model.meta.sunsetDate?.slice(0, 10) ?? "")}
          errors={errors}
        />
        <DialogButtons name={NAME} confirm="Mark legacy" />
      </DialogForm>
    </ActionDialog>
  );
};

export const markLegacyDialog = {
  name: NAME,
  action: "mark_legacy",
  label: "Mark legacy",
  done: "The model is now legacy.",
  View: MarkLegacyDialog,
  async submit({ id, form, lifecycle }) {
    const input = LegacyOptionsSchema.safeParse(markLegacyInput(form));
    if (!input.success) return invalidFields(input.error.issues);
    await lifecycle.markAsLegacy(id, input.data);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
