/**
 * Row versions as ETags: a model's admin answers carry `"<row_version>"`, and
 * a write with If-Match is refused (412) when the row has moved on since.
 */
import { ApiError } from "./errors";

export const rowEtag = (rowVersion: number) => `"${rowVersion}"`;

/**
 * An If-Match value as a row version: undefined for none, empty or `*`
 * ("whatever is current"), null when it is not an ETag such as "3".
 */
export function parseIfMatch(value: string | undefined): number | undefined | null {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "" || trimmed === "*") return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(trimmed);
  return match ? Number(match[1]) : null;
}

/** The If-Match header of an API write, refused with 412 when malformed. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  const version = parseIfMatch(header);
  if (version === null) throw new ApiError("precondition_failed", 'If-Match must be an ETag such as "3"');
  return version;
}
