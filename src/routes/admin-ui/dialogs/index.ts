/**
 * Every dialog of the model page, in the order of its buttons. A new dialog
 * is one file (a DialogSpec) and one entry here; the page offers it when
 * lifecycle/rules.ts allows its action (an alias or scheduling dialog: always,
 * beside each item for an item dialog), and POST /models/:id/<name> runs it.
 */
import { availableActions, isLifecycleAction, type ModelFlags } from "../../../lifecycle/rules";
import { archiveDialog } from "./archive";
import { cancelScheduledChangeDialog } from "./cancel-scheduled-change";
import { deleteAliasDialog } from "./delete-alias";
import type { DialogSpec } from "./dialog";
import { editMetaDialog } from "./edit-meta";
import { markLegacyDialog } from "./mark-legacy";
import { repointAliasDialog } from "./repoint-alias";
import { scheduleChangeDialog } from "./schedule-change";
import { unarchiveDialog } from "./unarchive";
import { unmarkLegacyDialog } from "./unmark-legacy";

export const DIALOGS = [
  markLegacyDialog,
  unmarkLegacyDialog,
  archiveDialog,
  unarchiveDialog,
  editMetaDialog,
  scheduleChangeDialog,
  repointAliasDialog,
  deleteAliasDialog,
  cancelScheduledChangeDialog,
] as const;

export type DialogName = (typeof DIALOGS)[number]["name"];

export const dialogNamed = (name: string | undefined): DialogSpec | undefined => DIALOGS.find((dialog) => dialog.name === name);

/** The dialogs the page offers for a model in this state: a lifecycle action's when the rules allow it, the others always. */
export function offeredDialogs(model: ModelFlags): DialogSpec[] {
  const allowed = availableActions(model);
  return DIALOGS.filter((spec) => !isLifecycleAction(spec.action) || allowed.has(spec.action));
}
