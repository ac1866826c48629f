import { describe, expect, it } from "vitest";
import { archivedSuccessors, recommendedSuccessor, withRecommendedSuccessors } from "../../src/domain/replacement-graph";

const live = (...ids: string[]) => {
  const set = new Set(ids);
  return (id: string) => set.has(id);
};

describe("recommendedSuccessor", () => {
  it.each([
    ["a live replacement is itself the answer", "b", ["b"], [], "b"],
    ["an archived replacement passes to its own replacement", "b", ["c"], [["b", "c"]], "c"],
    [
      "two archived hops",
      "b",
      ["d"],
      [
        ["b", "c"],
        ["c", "d"],
      ],
      "d",
    ],
    ["an archived replacement with none of its own is a dead end", "b", [], [["b", null]], null],
    ["an unknown id is a dead end", "zz", [], [], null],
    ["no replacement at all", undefined, ["b"], [], null],
  ] as const)("%s", (_, start, liveIds, archived, expected) => {
    expect(recommendedSuccessor(start, live(...liveIds), new Map(archived as unknown as [string, string | null][]))).toBe(expected);
  });

  it("stops on a corrupt cycle of archived models instead of looping", () => {
    expect(
      recommendedSuccessor(
        "b",
        live(),
        new Map([
          ["b", "c"],
          ["c", "b"],
        ]),
      ),
    ).toBeNull();
  });
});

describe("withRecommendedSuccessors", () => {
  it("sets recommended_model_id on legacy models only, judging liveness by is_archived", () => {
    const models = [
      { id: "a", is_archived: false, legacy_info: { replacement_model_id: "b" } },
      { id: "b", is_archived: true, legacy_info: { replacement_model_id: "c" } },
      { id: "c", is_archived: false },
    ];
    const linked = withRecommendedSuccessors(models, new Map([["b", "c"]]));
    expect(linked.map((m) => ("legacy_info" in m ? m.legacy_info : undefined))).toEqual([
      { replacement_model_id: "b", recommended_model_id: "c" },
      { replacement_model_id: "c", recommended_model_id: "c" },
      undefined,
    ]);
  });
});

describe("archivedSuccessors", () => {
  it("maps each archived model to the first live model along its chain", () => {
    const archived = new Map<string, string | null>([
      ["x", "y"],
      ["y", "z"],
      ["w", null],
    ]);
    expect(Object.fromEntries(archivedSuccessors(new Set(["z"]), archived))).toEqual({ x: "z", y: "z", w: null });
  });
});
