/**
 * Every dialog of the model page, in the order of its buttons. A new dialog
 * is one file (a DialogSpec) and one entry here; the page offers it when
 * lifecycle/rules.ts allows its action, and POST /models/:id/<name> runs it.
 */
import { archiveDialog } from "./archive";
import type { DialogSpec } from "./dialog";
import { editMetaDialog } from "./edit-meta";
import { markLegacyDialog } from "./mark-legacy";
import { unarchiveDialog } from "./unarchive";
import { unmarkLegacyDialog } from "./unmark-legacy";

export const DIALOGS = [markLegacyDialog, unmarkLegacyDialog, archiveDialog, unarchiveDialog, editMetaDialog] as const;

export type DialogName = (typeof DIALOGS)[number]["name"];

export const dialogNamed = (name: string | undefined): DialogSpec | undefined => DIALOGS.find((dialog) => dialog.name === name);
