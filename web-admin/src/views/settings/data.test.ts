import { describe, expect, it } from "vitest";
import type { WecomSettingsView } from "@/api/admin-types";
import { buildPatch, formFromView, invalidFields, sourceTagType } from "./data";

const view = (patch: Partial<WecomSettingsView> = {}): WecomSettingsView => ({
  mode: "live",
  corpId: { value: "ww1", source: "database", env: "WECOM_CORP_ID" },
  agentId: { value: 1000002, source: "database", env: "WECOM_AGENT_ID" },
  secret: { masked: "****abcd", source: "database", env: "WECOM_SECRET" },
  callbackToken: { masked: null, source: "unset", env: "WECOM_CALLBACK_TOKEN" },
  callbackAesKey: { masked: "****WXYZ", source: "env", env: "WECOM_CALLBACK_AES_KEY" },
  callbackUrl: "https://siyu.example.com/wecom/callback",
  updatedAt: null,
  updatedBy: null,
  ...patch,
});

describe("WeCom settings form", () => {
  it("starts from the stored values, never from a secret", () => {
    expect(formFromView(view())).toEqual({
      corpId: "ww1",
      agentId: "1000002",
      secret: "",
      callbackToken: "",
      callbackAesKey: "",
    });
  });

  it("sends only what changed; empty secrets are kept", () => {
    const v = view();
    expect(buildPatch(formFromView(v), v)).toEqual({});
    expect(buildPatch({ ...formFromView(v), agentId: "1000003", secret: " new-secret " }, v)).toEqual({
      agentId: 1000003,
      secret: "new-secret",
    });
    expect(buildPatch({ ...formFromView(v), corpId: "" }, v)).toEqual({ corpId: null });
  });

  it("never sends a field the environment sets", () => {
    const v = view();
    expect(buildPatch({ ...formFromView(v), callbackAesKey: "a".repeat(43) }, v)).toEqual({});
  });

  it("checks the shapes WeCom requires", () => {
    const form = { ...formFromView(view()), callbackAesKey: "short", callbackToken: "has space", agentId: "0" };
    expect(invalidFields(form).sort()).toEqual(["agentId", "callbackAesKey", "callbackToken"]);
    expect(
      invalidFields({ ...form, callbackAesKey: "A1".repeat(21) + "z", callbackToken: "Tok3n", agentId: "5" }),
    ).toEqual([]);
  });

  it("colours the source of each value", () => {
    expect(sourceTagType("env")).toBe("success");
    expect(sourceTagType("database")).toBe("info");
    expect(sourceTagType("unset")).toBe("warning");
  });
});
