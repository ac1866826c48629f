/** @jsxImportSource hono/jsx */
/**
 * The dashboard's page frame and the pieces every form shares. Hono JSX
 * escapes every text and attribute value it renders; nothing here uses
 * dangerouslySetInnerHTML, so a model named `<script>` shows as text.
 */
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ModelStatus } from "./model-status";
import { CSRF_FIELD, type StaffSession } from "./session";

export const UI_ROOT = "/admin/ui";

/** The top bar's links, one per page that has one. */
const SECTIONS = [
  { section: "models", label: "Models" },
  { section: "sunsets", label: "Sunsets" },
  { section: "aliases", label: "Aliases" },
] as const;

export type NavSection = (typeof SECTIONS)[number]["section"] | undefined;

export const Layout: FC<PropsWithChildren<{ title: string; session?: StaffSession | undefined; section?: NavSection }>> = ({
  title,
  session,
  section,
  children,
}) => (
  <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Model catalog staff`}</title>
        <link rel="stylesheet" href="/admin-ui/dashboard.css" />
        <script src="/admin-ui/dashboard.js" defer />
      </head>
      <body>
        <header class="top">
          <strong>
            <a href={`${UI_ROOT}/models`}>Model catalog</a>
          </strong>
          {session ? (
            <>
              <nav aria-label="Sections">
                {SECTIONS.map((link) => (
                  <a href={`${UI_ROOT}/${link.section}`} aria-current={section === link.section ? "page" : undefined}>
                    {link.label}
                  </a>
                ))}
              </nav>
              <span class="who">Signed in as {session.principal.subject}</span>
              <form method="post" action={`${UI_ROOT}/sign-out`}>
                <CsrfField session={session} />
                <button type="submit">Sign out</button>
              </form>
            </>
          ) : (
            <nav aria-label="Sections" />
          )}
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  </>
);

export const CsrfField: FC<{ session: StaffSession }> = ({ session }) => (
  <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} />
);

export const Notice: FC<{ kind: "error" | "success" | "warning"; children: Child }> = ({ kind, children }) => (
  <div class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
    {children}
  </div>
);

/** Field name -> messages, from zod issues or the lifecycle's error details. */
export type FieldErrors = Record<string, string[]>;

/**
 * A labelled input with its error beside it (aria-describedby, aria-invalid).
 * `id` must be unique on the page; `name` is the form field.
 */
export const Field: FC<{
  id: string;
  name: string;
  label: string;
  errors?: FieldErrors | undefined;
  errorKey?: string;
  hint?: string;
  children?: (attributes: Record<string, string | boolean | undefined>) => Child;
  value?: string | undefined;
  type?: string;
  required?: boolean;
}> = ({ id, name, label, errors, errorKey, hint, children, value, type, required }) => {
  const messages = errors?.[errorKey ?? name] ?? [];
  const describedBy = [hint ? `${id}-hint` : undefined, messages.length ? `${id}-error` : undefined].filter(Boolean).join(" ");
  const attributes = {
    id,
    name,
    "aria-invalid": messages.length ? "true" : undefined,
    "aria-describedby": describedBy || undefined,
    required: required || undefined,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children ? children(attributes) : <input type={type ?? "text"} value={value ?? ""} {...attributes} />}
      {hint ? (
        <span id={`${id}-hint`} class="muted">
          {hint}
        </span>
      ) : null}
      {messages.length ? (
        <p id={`${id}-error`} class="field-error">
          {messages.join("; ")}
        </p>
      ) : null}
    </div>
  );
};

export const StatusBadge: FC<{ status: ModelStatus }> = ({ status }) => <span class={`badge ${status}`}>{status}</span>;

export const formatInstant = (value: Date | string | null | undefined) => {
  if (value === null || value === undefined) return "";
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
};
