/** @jsxImportSource hono/jsx */
/** Every model, filtered by status, provider, tier and id, 50 to a page. */
import type { FC } from "hono/jsx";
import { SUBSCRIPTION_TIERS } from "../../../domain/model-meta";
import { Field, type FieldErrors, formatInstant, Layout, Notice, StatusBadge, UI_ROOT } from "../layout";
import { MODEL_STATUSES, statusOf } from "../model-status";
import type { StaffSession } from "../session";
import { COUNT_LIMIT, type StaffModelFilters, type StaffModelSummary } from "./models.queries";

export interface ModelsPageProps {
  session: StaffSession;
  filters: Partial<Record<keyof StaffModelFilters, string>>;
  errors?: FieldErrors | undefined;
  page?: { rows: StaffModelSummary[]; total: number; previousBefore?: string | undefined; nextAfter?: string | undefined } | undefined;
  providers: string[];
}

/** The current filters as a query string, with a cursor. */
function pageLink(filters: ModelsPageProps["filters"], cursor: { after?: string; before?: string }) {
  const params = new URLSearchParams();
  for (const key of ["q", "status", "provider", "tier"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (cursor.after) params.set("after", cursor.after);
  if (cursor.before) params.set("before", cursor.before);
  return `${UI_ROOT}/models?${params}`;
}

export const ModelsPage: FC<ModelsPageProps> = ({ session, filters, errors, page, providers }) => (
  <Layout title="Models" session={session} section="models">
    <h1>Models</h1>
    <search>
      <form method="get" action={`${UI_ROOT}/models`} class="filters" aria-label="Filter models">
        <Field id="filter-q" name="q" label="Search by id" value={filters.q} errors={errors} type="search" />
        <Field id="filter-status" name="status" label="Status" errors={errors}>
          {(attributes) => (
            <select {...attributes}>
              <option value="">Any status</option>
              {MODEL_STATUSES.map((status) => (
                <option value={status} selected={filters.status === status}>
                  {status}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="filter-provider" name="provider" label="Provider" errors={errors}>
          {(attributes) => (
            <select {...attributes}>
              <option value="">Any provider</option>
              {providers.map((provider) => (
                <option value={provider} selected={filters.provider === provider}>
                  {provider}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="filter-tier" name="tier" label="Required tier" errors={errors}>
          {(attributes) => (
            <select {...attributes}>
              <option value="">Any tier</option>
              {SUBSCRIPTION_TIERS.map((tier) => (
                <option value={tier} selected={filters.tier === tier}>
                  {tier}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" class="primary">
          Filter
        </button>
        <a class="button" href={`${UI_ROOT}/models`}>
          Clear
        </a>
      </form>
    </search>

    {errors ? <Notice kind="error">Some filters are invalid; fix them and filter again.</Notice> : null}
    {page ? (
      <>
        <p class="muted" role="status">
          {page.total > COUNT_LIMIT
            ? `More than ${COUNT_LIMIT.toLocaleString("en-US")} models match`
            : page.total === 1
              ? "1 model matches"
              : `${page.total.toLocaleString("en-US")} models match`}
        </p>
        {page.rows.length ? (
          <table>
            <caption class="muted">Models, by id</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Display name</th>
                <th scope="col">Provider</th>
                <th scope="col">Required tier</th>
                <th scope="col">Status</th>
                <th scope="col">Sunset date</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr>
                  <td>
                    <a href={`${UI_ROOT}/models/${encodeURIComponent(row.id)}`}>{row.id}</a>
                  </td>
                  <td>{row.displayName}</td>
                  <td>{row.provider}</td>
                  <td>{row.requiredTier}</td>
                  <td>
                    <StatusBadge status={statusOf(row)} />
                    {row.isAvailable ? null : <span class="muted"> unavailable</span>}
                  </td>
                  <td>{formatInstant(row.sunsetDate)}</td>
                  <td>{formatInstant(row.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No model matches these filters.</p>
        )}
        <nav class="pager" aria-label="Pages">
          {page.previousBefore ? <a href={pageLink(filters, { before: page.previousBefore })}>← Previous page</a> : null}
          {page.nextAfter ? <a href={pageLink(filters, { after: page.nextAfter })}>Next page →</a> : null}
        </nav>
      </>
    ) : null}
  </Layout>
);
