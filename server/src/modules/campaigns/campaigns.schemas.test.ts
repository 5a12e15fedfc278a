import { describe, expect, it } from "vitest";
import { campaignInputSchema } from "./campaigns.schemas.ts";

const valid = {
  name: "回访",
  audience: { segmentId: 3 },
  channel: "private_chat",
  materials: [{ variant: "A", materialId: 1, share: 100 }],
  startAt: "2026-11-24T10:00:00+08:00",
  deadlineAt: "2026-11-27T10:00:00+08:00",
};
const fields = (input: object) => {
  const r = campaignInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};

describe("campaign input", () => {
  it("fills the documented defaults", () => {
    expect(campaignInputSchema.parse(valid)).toMatchObject({
      scope: {},
      reminders: [24, 2],
      conversionWindowDays: 7,
      holdoutPercent: 0,
      assignmentRule: "first_added",
    });
  });

  it("names the fields that are wrong", () => {
    expect(fields({ ...valid, deadlineAt: valid.startAt })).toEqual(["deadlineAt"]);
    expect(
      fields({
        ...valid,
        materials: [
          { variant: "A", materialId: 1, share: 50 },
          { variant: "B", materialId: 2, share: 40 },
        ],
      }),
    ).toEqual(["materials"]);
    expect(
      fields({
        ...valid,
        materials: [
          { variant: "A", materialId: 1, share: 50 },
          { variant: "A", materialId: 2, share: 50 },
        ],
      }),
    ).toEqual(["materials.1.variant"]);
    expect(fields({ ...valid, holdoutPercent: 51 })).toEqual(["holdoutPercent"]);
    expect(fields({ ...valid, channel: "group_post", holdoutPercent: 10 })).toEqual(["holdoutPercent"]);
    expect(fields({ ...valid, audience: { segmentId: 1, rule: { all: [] } } })).toEqual(["audience"]);
    expect(fields({ ...valid, audience: { listId: 2 } })).toEqual([]);
    expect(fields({ ...valid, audience: { listId: 2, segmentId: 1 } })).toEqual(["audience"]);
    expect(fields({ ...valid, audience: { listId: 0 } })).toEqual(["audience.listId"]);
    expect(fields({ ...valid, scope: { stores: [1] } })).toEqual(["scope"]);
    expect(fields({ ...valid, assignmentRule: "random" })).toEqual(["assignmentRule"]);
  });
});
