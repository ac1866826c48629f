/**
 * Reading HTML form fields (each dialog turns them into the API's request
 * body, checked with the API's own zod schemas), and from zod issues or
 * lifecycle error details back to messages beside the fields.
 */
import type { z } from "zod";
import type { ApiError } from "../../http/errors";
import type { FieldErrors } from "./layout";

/** A form as parsed by Hono (`parseBody({ all: true })`): repeated fields become arrays. */
export type FormFields = Record<string, string | File | (string | File)[]>;

/** Form values to render back: strings, or lists for checkboxes. */
export type FieldValues = Record<string, string | string[]>;

export function text(form: FormFields, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

export function list(form: FormFields, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
}

/** The fields as sent, for rendering the form again after an error. */
export function submittedValues(form: FormFields): FieldValues {
  const values: FieldValues = {};
  for (const key of Object.keys(form)) values[key] = Array.isArray(form[key]) ? list(form, key) : text(form, key);
  return values;
}

/** zod issues by field (the first path element that names one). */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[] | readonly { path?: unknown; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = Array.isArray(issue.path) ? issue.path.filter((part) => part !== "meta") : [];
    const field = typeof path[0] === "string" ? path[0] : "_form";
    errors[field] = [...(errors[field] ?? []), humanMessage(issue.message)];
  }
  return errors;
}

/** zod's "Invalid input: expected number, received string" reads better without the prefix. */
const humanMessage = (message: string) => message.replace(/^Invalid input: /, "");

/** A lifecycle refusal as field errors when it names fields (bad replacement, sunset in the past), else none. */
export function fieldErrorsOfApiError(error: ApiError): FieldErrors | undefined {
  const details = error.options.details;
  if (!Array.isArray(details) || details.length === 0) return undefined;
  const errors = fieldErrorsOf(details as { path?: unknown; message: string }[]);
  return Object.keys(errors).some((key) => key !== "_form") ? errors : undefined;
}
