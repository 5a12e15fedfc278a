import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const NO_DOTENV = "/nonexistent/.env";
const load = (env: Record<string, string>) => loadConfig(env, NO_DOTENV);

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
    throw err;
  }
  return [];
}

describe("configuration", () => {
  it("starts the demo with nothing set: simulator mode on the embedded database", () => {
    const c = load({});
    expect(c.port).toBe(3000);
    expect(c.wecom.mode).toBe("simulator");
    expect(c.database).toMatchObject({ kind: "sqlite" });
    expect(c.database.kind === "sqlite" && c.database.path.endsWith("data/siyu.sqlite")).toBe(true);
  });

  it("reads a MySQL URL", () => {
    expect(load({ DATABASE_URL: "mysql://app:p%40ss@db.local:3307/siyu" }).database).toEqual({
      kind: "mysql",
      host: "db.local",
      port: 3307,
      user: "app",
      password: "p@ss",
      database: "siyu",
    });
  });

  it("names every bad variable at once", () => {
    expect(problems({ DATABASE_URL: "postgres://x/y", PORT: "eighty", WECOM_MODE: "prod" }).sort()).toEqual([
      "DATABASE_URL",
      "PORT",
      "WECOM_MODE",
    ]);
    expect(problems({ DATABASE_URL: "mysql://root@127.0.0.1:3306/" })).toEqual(["DATABASE_URL"]);
  });

  it("refuses live mode without the WeCom variables, naming each", () => {
    const missing = problems({ WECOM_MODE: "live", WECOM_CORP_ID: "ww123" });
    expect(missing).toEqual(
      expect.arrayContaining([
        "WECOM_AGENT_ID",
        "WECOM_SECRET",
        "WECOM_CALLBACK_TOKEN",
        "WECOM_CALLBACK_AES_KEY",
        "SESSION_SECRET",
        "SECRETS_KEY",
      ]),
    );
    expect(missing).not.toContain("WECOM_CORP_ID");
  });

  it("checks the shape of the callback key and the secrets key", () => {
    expect(problems({ WECOM_CALLBACK_AES_KEY: "short", SECRETS_KEY: "zz" }).sort()).toEqual([
      "SECRETS_KEY",
      "WECOM_CALLBACK_AES_KEY",
    ]);
  });

  it("trusts the proxy's X-Forwarded-Proto when told, or by default behind an https PUBLIC_URL", () => {
    expect(load({}).trustProxy).toBe(false);
    expect(load({ PUBLIC_URL: "https://siyu.example.com" }).trustProxy).toBe(true);
    expect(load({ PUBLIC_URL: "https://siyu.example.com", TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(problems({ TRUST_PROXY: "maybe" })).toEqual(["TRUST_PROXY"]);
  });

  it("lets the environment win over .env and treats empty values as unset", () => {
    expect(load({ PORT: "", LOG_LEVEL: "debug" })).toMatchObject({ port: 3000, logLevel: "debug" });
  });
});
