/** The dashboard's aliases (spec Part 3): the Aliases page lists each alias and its target; a model page names its aliases. */
import { describe, expect, it } from "vitest";
import { createAlias } from "./support/aliases";
import { signIn, UI, uiGet } from "./support/dashboard";
import { createModel, uniqueId } from "./support/fixtures";

describe("GET /admin/ui/aliases", () => {
  it("lists every alias with a link to its target, and the model page names its aliases", async () => {
    const target = await createModel();
    const alias = uniqueId("ui-alias");
    await createAlias(alias, target.id);
    const { cookie } = await signIn();

    const page = await uiGet(`${UI}/aliases`, cookie);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain(`<td>${alias}</td>`);
    expect(page.html).toContain(`href="/admin/ui/models/${target.id}"`);
    expect(page.html).toContain('aria-current="page"');

    const model = await uiGet(`${UI}/models/${target.id}`, cookie);
    expect(model.html).toMatch(new RegExp(`<dt>Aliases</dt><dd>${alias}</dd>`));
  });

  it("needs a session: without one it sends the browser to sign in", async () => {
    const response = (await uiGet(`${UI}/aliases`, "")).response;
    expect(response.status).toBe(303);
  });
});
