/** @jsxImportSource hono/jsx */
/** Re-point one of the model's aliases at another model (PUT /admin/aliases/:alias, with the alias's version as If-Match). */
import { parseIfMatch, rowEtag } from "../../../http/if-match";
import { PutAliasRequestSchema } from "../../admin-aliases/admin-alias";
import { type FormFields, text } from "../forms";
import { Field } from "../layout";
import { ALIAS_VERSION_FIELD, aliasRefusal } from "./alias-refusal";
import {
  ActionDialog,
  DialogButtons,
  DialogForm,
  type DialogProps,
  type DialogSpec,
  dialogErrors,
  dialogValue,
  invalidFields,
  isOpen,
  itemDialogName,
} from "./dialog";

const NAME = "repoint-alias";
/** The suggestions of every Target model field on the page. */
const TARGETS_LIST = "alias-target-models";

const optional = (form: FormFields, name: string) => text(form, name).trim() || undefined;

const RepointAliasDialogs = ({ session, model, dialog, aliases, targets }: DialogProps) => (
  <>
    <datalist id={TARGETS_LIST}>
      {targets.map((id) => (
        <option value={id} />
      ))}
    </datalist>
    {aliases.map(({ alias, rowVersion }) => {
      const dom = itemDialogName(NAME, alias);
      const errors = dialogErrors(dialog, NAME, alias);
      const value = (field: string, fallback = "") => dialogValue(dialog, NAME, field, fallback, alias);
      return (
        <ActionDialog name={dom} title={`Re-point alias ${alias}`} dialog={dialog} open={isOpen(dialog, NAME, alias)}>
          <DialogForm session={session} model={model} name={NAME}>
            <input type="hidden" name="alias" value={alias} />
            {/* The version shown: a re-point by someone else meanwhile is a 412, never overwritten. */}
            <input type="hidden" name={ALIAS_VERSION_FIELD} value={rowEtag(rowVersion)} />
            <p>
              Clients calling <code>{alias}</code> get {model.id} now; from then on they get the model you choose.
            </p>
            <Field
              id={`${dom}-target`}
              name="targetModelId"
              label="Target model"
              hint="The id of a live model (not archived, not an alias)."
              errors={errors}
              required
            >
              {(attributes) => <input type="text" list={TARGETS_LIST} autocomplete="off" value={value("targetModelId")} {...attributes} />}
            </Field>
            <Field id={`${dom}-reason`} name="reason" label="Reason" hint="Optional; kept in the alias's audit trail." errors={errors}>
              {(attributes) => <textarea {...attributes}>{value("reason")}</textarea>}
            </Field>
            <DialogButtons name={dom} confirm="Re-point alias" />
          </DialogForm>
        </ActionDialog>
      );
    })}
  </>
);

export const repointAliasDialog = {
  name: NAME,
  action: "repoint_alias",
  item: "alias",
  label: "Re-point alias",
  done: "The alias is re-pointed.",
  View: RepointAliasDialogs,
  async submit({ form, lifecycle, db }) {
    const alias = text(form, "alias");
    const version = parseIfMatch(text(form, ALIAS_VERSION_FIELD));
    if (version === null) return { status: 400, message: "The form is out of date; reload the page and try again." };
    const input = PutAliasRequestSchema.safeParse({ targetModelId: text(form, "targetModelId").trim(), reason: optional(form, "reason") });
    if (!input.success) return invalidFields(input.error.issues);
    try {
      await lifecycle.putAlias(alias, input.data.targetModelId, {
        ...(input.data.reason !== undefined && { reason: input.data.reason }),
        ifMatch: version,
      });
    } catch (error) {
      const refusal = await aliasRefusal(error, db, alias, "targetModelId");
      if (refusal) return refusal;
      throw error;
    }
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
