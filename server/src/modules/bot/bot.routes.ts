import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { mappingBody, roomListQuery, roomParams } from "./bot.schemas.ts";
import type { BotService } from "./bot.service.ts";

const hq = requireUser("hq_admin", "hq_operator");

/** Admin: the group bot's status, the rooms it is in (unmapped first), and mapping corrections (HQ). */
export function botRoutes(bot: BotService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/bot" });
  r.get("/status", requireUser(), async (ctx) => {
    ctx.body = { status: await bot.getStatus(ctx.state.user!) };
  });
  r.get("/rooms", requireUser(), async (ctx) => {
    ctx.body = await bot.listRooms(parseInput(roomListQuery, ctx.query, "query"), ctx.state.user!);
  });
  r.put("/rooms/:id/mapping", hq, async (ctx) => {
    const { id } = parseInput(roomParams, ctx.params, "path");
    const { groupId } = parseInput(mappingBody, ctx.request.body, "mapping");
    ctx.body = { room: await bot.setMapping(id, groupId, ctx.state.user!) };
  });
  return r;
}
