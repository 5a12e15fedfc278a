import { invalidParam, WecomError } from "../errors.ts";
import type { ApiTable } from "../api.ts";
import { issueTicket, issueToken } from "../tokens.ts";

/** gettoken, OAuth code exchange and the two JS-SDK tickets (wecom.md §1, §7, §11.1). */
export function authRoutes(tokenTtlS: number): ApiTable {
  return {
    gettoken: {
      method: "GET",
      public: true,
      handle: ({ state, query, now }) => {
        if (!query.corpid) throw new WecomError(41002, "corpid missing");
        if (!query.corpsecret) throw new WecomError(41004, "corpsecret missing");
        if (query.corpid !== state.corp.corpId) throw new WecomError(40013, "invalid corpid");
        if (query.corpsecret !== state.corp.secret) throw new WecomError(40001, "invalid credential");
        return issueToken(state, now(), tokenTtlS);
      },
    },

    "auth/getuserinfo": {
      method: "GET",
      handle: ({ state, query, now }) => {
        if (!query.code) throw new WecomError(41008, "missing oauth code");
        const code = state.oauthCodes.get(query.code);
        if (!code || code.used || code.expires_at_ms <= now()) throw new WecomError(40029, "invalid code");
        code.used = true;
        return { userid: code.userid };
      },
    },

    get_jsapi_ticket: {
      method: "GET",
      handle: ({ state, now }) => issueTicket(state, "jsapi", now()),
    },

    "ticket/get": {
      method: "GET",
      handle: ({ state, query, now }) => {
        if (query.type !== "agent_config") throw invalidParam("type must be agent_config");
        return issueTicket(state, "agent_config", now());
      },
    },
  };
}
