import { confirmDialogView } from "./confirm";
import type { DialogSpec } from "./dialog";

const NAME = "unarchive";

export const unarchiveDialog = {
  name: NAME,
  action: "unarchive",
  label: "Unarchive",
  done: "The model is unarchived.",
  View: confirmDialogView(NAME, "Unarchive", "The model returns to the public catalog; legacy status is kept."),
  async submit({ id, lifecycle }) {
    await lifecycle.unarchive(id);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
