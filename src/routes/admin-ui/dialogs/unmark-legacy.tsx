import { confirmDialogView } from "./confirm";
import type { DialogSpec } from "./dialog";

const NAME = "unmark-legacy";

export const unmarkLegacyDialog = {
  name: NAME,
  action: "unmark_legacy",
  label: "Unmark legacy",
  done: "The model is no longer legacy.",
  View: confirmDialogView(
    NAME,
    "Unmark legacy",
    "Clients will see the model as current again; its replacement, notice and sunset date are removed.",
  ),
  async submit({ id, lifecycle }) {
    await lifecycle.unmarkLegacy(id);
    return undefined;
  },
} as const satisfies DialogSpec<typeof NAME>;
