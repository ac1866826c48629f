/**
 * The change feed's cursor: the position of the last event a client has,
 * `<catalog version>.<sequence within that version>`. Catalog versions are
 * taken under the catalog_state row lock inside each write's transaction, so
 * they are handed out in commit order: everything at or below a version a
 * reader has seen is already committed, and a cursor never skips an event.
 */
export interface FeedPosition {
  catalogVersion: number;
  seq: number;
}

/** Before every event (catalog versions start at 1 and each write bumps first). */
export const FEED_START: FeedPosition = { catalogVersion: 0, seq: 0 };

const CURSOR_PATTERN = /^(\d{1,15})\.(\d{1,9})$/;

export const formatCursor = (position: FeedPosition) => `${position.catalogVersion}.${position.seq}`;

/** The position a cursor names, or undefined when it is not one this API made. */
export function parseCursor(cursor: string): FeedPosition | undefined {
  const match = CURSOR_PATTERN.exec(cursor);
  if (!match) return undefined;
  const catalogVersion = Number(match[1]);
  const seq = Number(match[2]);
  return Number.isSafeInteger(catalogVersion) && Number.isSafeInteger(seq) ? { catalogVersion, seq } : undefined;
}
