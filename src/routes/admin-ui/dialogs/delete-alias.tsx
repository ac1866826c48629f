/** @jsxImportSource hono/jsx */
/** Delete one of the model's aliases (DELETE /admin/aliases/:alias, with its version as If-Match): clients calling it get 404. */
import { parseIfMatch, rowEtag } from "../../../http/if-match";
import { DeleteAliasRequestSchema } from "../../admin-aliases/admin-alias";
import { text } from "../forms";
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

const NAME = "delete-alias";

const DeleteAliasDialogs = ({ session, model, dialog, aliases }: DialogProps) => (
  <>
    {aliases.map(({ alias, rowVersion }) => {
      const dom = itemDialogName(NAME, alias);
      return (
        <ActionDialog name={dom} title={`Delete alias ${alias}`} dialog={dialog} open={isOpen(dialog, NAME, alias)}>
          <DialogForm session={session} model={model} name={NAME}>
            <input type="hidden" name="alias" value={alias} />
            <input type="hidden" name={ALIAS_VERSION_FIELD} value={rowEtag(rowVersion)} />
            <p>
              Clients calling <code>{alias}</code> get 404 from then on; calls to {model.id} itself are not affected.
            </p>
            <Field id={`${dom}-reason`} name="reason" label="Reason" errors={dialogErrors(dialog, NAME, alias)} required>
              {(attributes) => <textarea {...attributes}>{dialogValue(dialog, NAME, "reason", "", alias)}</textarea>}
            </Field>
            <DialogButtons name={dom} confirm="Delete alias" danger />
          </DialogForm>
        </ActionDialog>
      );
    })}
  </>
);

export const deleteAliasDialog = {
  name: NAME,
  action: "delete_alias",
  item: "alias",
  label: "Delete alias",
  done: "The alias is deleted.",
  View: DeleteAliasDialogs,
  async submit({ form, lifecycle, db }) {
    const alias = text(form, "alias");
    const version = parseIfMatch(text(form, ALIAS_VERSION_FIELD));
    if (version === null) return { status: 400, message: "The form is out of date; reload the page and try again." };
    const input = DeleteAliasRequestSchema.safeParse({ reason: text(form, "reason") });
    if (!input.success) return invalidFields(input.error.issues);
    try {
      await lifecycle.deleteAlias(alias, { reason: input.data.reason, ifMatch: version });
    } catch (error) {
      const refusal = await aliasRefusal(error, db, alias, "reason");
      if (refusal) return refusal;
      throw error;
    }
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
