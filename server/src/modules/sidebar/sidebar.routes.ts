import Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import type { Config } from "../../config/config.ts";
import type { AppState } from "../../http/app-context.ts";
import { SIDEBAR_COOKIE, setSessionCookie, type SessionCodec } from "../../http/session.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import { devChatsQuery, devSendSchema, type DevChatService } from "./dev-chat.service.ts";
import { devLoginSchema, type SidebarBootstrap } from "./sidebar.schemas.ts";
import type { SidebarService } from "./sidebar.service.ts";

const SESSION_MS = 8 * 3600 * 1000;
const devSentQuery = z.object({
  externalUserid: z.string().min(1).max(128).optional(),
  chatId: z.string().min(1).max(128).optional(),
});

export function sidebarRoutes(
  config: Config,
  sidebar: SidebarService,
  codec: SessionCodec,
  clock: Clock,
  /** the app's one requireStaff, shared with the sidebar work routes */
  staffOnly: Middleware<AppState>,
  /** the WeCom client's corp and agent in effect; without WeCom, the environment's */
  wecomIdentity: (() => Promise<{ corpId?: string; agentId?: number }>) | undefined,
  /** simulator mode with a WeCom client: the dev bridge's chat picker and recorded sends */
  devChat?: DevChatService,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/sidebar" });

  r.get("/bootstrap", async (ctx) => {
    // the corp and agent in effect (environment, else the settings page), as the JS-SDK must register them
    const ids = wecomIdentity ? await wecomIdentity() : { corpId: config.wecom.corpId, agentId: config.wecom.agentId };
    const body: SidebarBootstrap = {
      mode: config.wecom.mode,
      corpId: ids.corpId ?? "",
      agentId: ids.agentId ?? null,
    };
    ctx.body = body;
  });
  r.get("/me", staffOnly, async (ctx) => {
    ctx.body = await sidebar.me(ctx.state.staff!.id);
  });

  // The dev bridge stands in for WeCom OAuth outside the WeCom client; it exists only in simulator mode.
  if (config.wecom.mode === "simulator") {
    r.get("/dev/staff", async (ctx) => {
      ctx.body = { items: await sidebar.listStaffForDevBridge() };
    });
    r.post("/dev/login", async (ctx) => {
      const { userid } = parseInput(devLoginSchema, ctx.request.body, "dev sign-in");
      const staff = await sidebar.staffByUserid(userid);
      setSessionCookie(
        ctx,
        SIDEBAR_COOKIE,
        codec.encode({ sub: staff.id, exp: clock.now().getTime() + SESSION_MS }),
        SESSION_MS,
      );
      ctx.body = { staff: await sidebar.view(staff) };
    });
    if (devChat) {
      r.get("/dev/chats", staffOnly, async (ctx) => {
        ctx.body = await devChat.chats(ctx.state.staff!.id, parseInput(devChatsQuery, ctx.query, "chat search").q);
      });
      // The dev bridge's sendMaterial: recorded by the WeCom simulator instead of sent by the WeCom client.
      r.post("/dev/send-chat-message", staffOnly, async (ctx) => {
        ctx.body = await devChat.send(ctx.state.staff!, parseInput(devSendSchema, ctx.request.body, "chat message"));
      });
      r.get("/dev/chat-messages", staffOnly, async (ctx) => {
        const q = parseInput(devSentQuery, ctx.query, "chat");
        ctx.body = { items: await devChat.sends(ctx.state.staff!, q) };
      });
    }
  }
  return r;
}
