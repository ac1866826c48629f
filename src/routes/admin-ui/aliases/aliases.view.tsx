/** @jsxImportSource hono/jsx */
/** Every alias and the model it points at (docs/aliases.md). */
import type { FC } from "hono/jsx";
import type { AliasRow } from "../../../../drizzle/schema";
import { formatInstant, Layout, UI_ROOT } from "../layout";
import type { StaffSession } from "../session";

const modelLink = (id: string) => <a href={`${UI_ROOT}/models/${encodeURIComponent(id)}`}>{id}</a>;

export const AliasesPage: FC<{ session: StaffSession; aliases: AliasRow[] }> = ({ session, aliases }) => (
  <Layout title="Aliases" session={session} section="aliases">
    <h1>Aliases</h1>
    <p class="muted">
      Moving names over models: clients calling an alias get its target. Archiving a target moves its aliases to the recommended successor.
    </p>
    {aliases.length ? (
      <table>
        <thead>
          <tr>
            <th scope="col">Alias</th>
            <th scope="col">Target model</th>
            <th scope="col">Changed</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {aliases.map((alias) => (
            <tr>
              <td>{alias.alias}</td>
              <td>{modelLink(alias.targetModelId)}</td>
              <td>{formatInstant(alias.updatedAt)}</td>
              <td>{alias.updatedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p>No aliases yet.</p>
    )}
  </Layout>
);
