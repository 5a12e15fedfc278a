import { z } from "zod";

/** A secret field of a change: a new value, null to clear it, omitted to keep it. */
const secretField = (schema: z.ZodString) => schema.nullable().optional();

export const wecomSettingsPatch = z
  .object({
    corpId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, dash or underscore (企业ID)")
      .nullable()
      .optional(),
    agentId: z.number().int("must be a whole number").positive("must be a positive AgentId").nullable().optional(),
    secret: secretField(z.string().trim().min(1, "is required").max(128, "at most 128 characters")),
    callbackToken: secretField(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{1,32}$/, "must be 1-32 letters or digits"),
    ),
    // Base64_Decode(EncodingAESKey + "=") is the 32-byte AES key (wecom.md §callbacks)
    callbackAesKey: secretField(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{43}$/, "must be 43 letters or digits (EncodingAESKey)"),
    ),
  })
  .strict();
export type WecomSettingsPatch = z.input<typeof wecomSettingsPatch>;

export const WECOM_FIELDS = ["corpId", "agentId", "secret", "callbackToken", "callbackAesKey"] as const;
export type WecomField = (typeof WECOM_FIELDS)[number];
export const SECRET_FIELDS: readonly WecomField[] = ["secret", "callbackToken", "callbackAesKey"];

/** Where the value in effect comes from: the environment wins over the settings page. */
export type SettingSource = "env" | "database" | "unset";

export interface PlainSettingView<T> {
  value: T | null;
  source: SettingSource;
  /** the environment variable that sets it, and wins when set */
  env: string;
}
export interface SecretSettingView {
  /** `****abcd`, never the value */
  masked: string | null;
  source: SettingSource;
  env: string;
}

export interface WecomSettingsView {
  mode: "simulator" | "live";
  corpId: PlainSettingView<string>;
  agentId: PlainSettingView<number>;
  secret: SecretSettingView;
  callbackToken: SecretSettingView;
  callbackAesKey: SecretSettingView;
  /** what to enter as the app's callback URL in WeCom */
  callbackUrl: string;
  updatedAt: string | null;
  updatedBy: string | null;
}
