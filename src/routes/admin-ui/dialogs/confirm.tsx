/** @jsxImportSource hono/jsx */
/** A dialog that only asks "are you sure?": a sentence and a button, no fields. */
import { ActionDialog, DialogButtons, DialogForm, type DialogProps } from "./dialog";

export const confirmDialogView =
  (name: string, title: string, text: string) =>
  ({ session, model, dialog }: DialogProps) => (
    <ActionDialog name={name} title={`${title} ${model.id}`} dialog={dialog}>
      <DialogForm session={session} model={model} name={name}>
        <p>{text}</p>
        <DialogButtons name={name} confirm={title} />
      </DialogForm>
    </ActionDialog>
  );
