import { http } from "./http";
import type { JssdkSignature } from "./types";

/** Signature for ww.register's corp config (wx.config) of the given page URL. */
export function getConfigSignature(url: string): Promise<JssdkSignature> {
  return http.post<JssdkSignature>("/api/v1/sidebar/jssdk/config-signature", { url });
}

/** Signature for ww.register's agent config (wx.agentConfig) of the given page URL. */
export function getAgentSignature(url: string): Promise<JssdkSignature> {
  return http.post<JssdkSignature>("/api/v1/sidebar/jssdk/agent-signature", { url });
}

/** Where the server starts WeCom OAuth, coming back to `redirect` afterwards. */
export function oauthStartUrl(redirect: string): string {
  return `/api/v1/sidebar/oauth/start?redirect=${encodeURIComponent(redirect)}`;
}
