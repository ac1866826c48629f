/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { ModelMetaPatchSchema } from "../../../domain/model-meta";
import { parseIfMatch } from "../../../http/if-match";
import { type FieldValues, text } from "../forms";
import { Field, type FieldErrors } from "../layout";
import { ActionDialog, DialogButtons, DialogForm, type DialogProps, type DialogSpec, invalidFields } from "./dialog";
import { editMetaValuesOf, groupName, META_FORM, type MetaFormField, metaPatchInput } from "./edit-meta-form";

const NAME = "edit-meta";

function Checkboxes({
  id,
  name,
  legend,
  options,
  checked,
  errors,
}: {
  id: string;
  name: string;
  legend: string;
  options: readonly string[];
  checked: string[];
  errors?: string[] | undefined;
}): Child {
  return (
    <fieldset aria-describedby={errors ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label>
          <input type="checkbox" name={name} value={option} checked={checked.includes(option)} /> {option}
        </label>
      ))}
      {errors ? (
        <p id={`${id}-error`} class="field-error">
          {errors.join("; ")}
        </p>
      ) : null}
    </fieldset>
  );
}

const listOf = (values: FieldValues, name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);

/** A boolean meta field: yes, no, or not stated (the key is removed). */
const BOOLEAN_CHOICES = [
  ["", "not stated"],
  ["true", "yes"],
  ["false", "no"],
] as const;

interface MetaInputProps {
  values: FieldValues;
  errors: FieldErrors | undefined;
  /** Field ids are `<idPrefix>-<field>`: unique on a page with more than one meta form. */
  idPrefix?: string;
}

function MetaInput({ spec, values, errors, idPrefix = "meta" }: MetaInputProps & { spec: MetaFormField }): Child {
  const { field, label, kind, hint } = spec;
  const value = typeof values[field] === "string" ? (values[field] as string) : "";
  const id = `${idPrefix}-${field}`;
  if (kind === "checkboxes") {
    return (
      <Checkboxes
        id={id}
        name={field}
        legend={label}
        options={spec.options ?? []}
        checked={listOf(values, field)}
        errors={errors?.[field]}
      />
    );
  }
  if (kind === "groups") {
    // One error line for the field (zod names it by its first path element).
    return (
      <fieldset aria-describedby={errors?.[field] ? `${id}-error` : undefined}>
        <legend>{label}</legend>
        {spec.groups?.map(({ key, options }) => (
          <Checkboxes
            id={`${id}-${key}`}
            name={groupName(field, key)}
            legend={key}
            options={options}
            checked={listOf(values, groupName(field, key))}
          />
        ))}
        {errors?.[field] ? (
          <p id={`${id}-error`} class="field-error">
            {errors[field]?.join("; ")}
          </p>
        ) : null}
      </fieldset>
    );
  }
  if (kind === "select" || kind === "boolean") {
    const choices = kind === "boolean" ? BOOLEAN_CHOICES : (spec.options ?? []).map((option) => [option, option] as const);
    return (
      <Field id={id} name={field} label={label} errors={errors} hint={hint}>
        {(attributes) => (
          <select {...attributes}>
            {choices.map(([option, text]) => (
              <option value={option} selected={value === option}>
                {text}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }
  if (kind === "textarea" || kind === "json") {
    return (
      <Field id={id} name={field} label={label} errors={errors} hint={hint}>
        {(attributes) => <textarea {...attributes}>{value}</textarea>}
      </Field>
    );
  }
  const type = kind === "number" ? "number" : kind === "date" ? "date" : "text";
  return <Field id={id} name={field} label={label} type={type} value={value} errors={errors} hint={hint} />;
}

/** Every editable meta field, in META_FORM's order (also the Schedule change dialog's update_meta fields). */
export const MetaFields = ({ values, errors, idPrefix }: MetaInputProps): Child =>
  META_FORM.map((entry) =>
    Array.isArray(entry) ? (
      <div class="grid2">
        {entry.map((spec) => (
          <MetaInput spec={spec} values={values} errors={errors} idPrefix={idPrefix} />
        ))}
      </div>
    ) : (
      <MetaInput spec={entry as MetaFormField} values={values} errors={errors} idPrefix={idPrefix} />
    ),
  );

const EditMetaDialog = ({ session, model, dialog }: DialogProps) => {
  const mine = dialog?.name === NAME;
  // After a conflict the form shows the model as it is now, not what was sent.
  const values = mine && dialog.values && !dialog.conflict ? dialog.values : editMetaValuesOf(model.meta);
  const errors = mine ? dialog.errors : undefined;
  return (
    <ActionDialog name={NAME} title={`Edit meta of ${model.id}`} dialog={dialog}>
      <DialogForm session={session} model={model} name={NAME}>
        {/* The version this form was filled from: the server checks it as If-Match, so a concurrent change is never overwritten. */}
        <input type="hidden" name="ifMatch" value={`"${model.rowVersion}"`} />
        <MetaFields values={values} errors={errors} />
        <DialogButtons name={NAME} confirm="Save meta" />
      </DialogForm>
    </ActionDialog>
  );
};

export const editMetaDialog = {
  name: NAME,
  action: "update_meta",
  label: "Edit meta",
  done: "The meta is saved.",
  View: EditMetaDialog,
  async submit({ id, form, lifecycle, ifMatch }) {
    // The header (a script may send it) or the form's field: the version the form was filled from.
    const version = parseIfMatch(ifMatch ?? text(form, "ifMatch"));
    if (version === null) return { status: 400, message: "The form is out of date; reload the page and edit again." };
    const { patch, errors } = metaPatchInput(form);
    if (errors) return { status: 400, message: "Nothing was changed: check the fields marked below.", errors };
    const input = ModelMetaPatchSchema.safeParse(patch);
    if (!input.success) return invalidFields(input.error.issues);
    await lifecycle.updateModelMeta(id, input.data, version);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
