import Router from "@koa/router";
import type { Config } from "../../config/config.ts";
import type { AppState } from "../../http/app-context.ts";
import { SIDEBAR_COOKIE, setSessionCookie, type SessionCodec } from "../../http/session.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import { requireStaff } from "./sidebar.middleware.ts";
import { devLoginSchema, type SidebarBootstrap } from "./sidebar.schemas.ts";
import type { SidebarService } from "./sidebar.service.ts";

const SESSION_MS = 8 * 3600 * 1000;

export function sidebarRoutes(
  config: Config,
  sidebar: SidebarService,
  codec: SessionCodec,
  clock: Clock,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/sidebar" });
  const staffOnly = requireStaff(codec, sidebar, clock);

  r.get("/bootstrap", (ctx) => {
    const body: SidebarBootstrap = {
      mode: config.wecom.mode,
      corpId: config.wecom.corpId ?? "",
      agentId: config.wecom.agentId ?? null,
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
  }
  return r;
}
