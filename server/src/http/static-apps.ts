import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Middleware } from "koa";
import serve from "koa-static";
import type { AppState } from "./app-context.ts";

/**
 * Serves a built single-page app under a path prefix: files from `dir`, and index.html for any
 * other GET below the prefix so that history-mode routes survive a reload. API and callback
 * paths are never answered here.
 */
export function singlePageApp(prefix: string, dir: string): Middleware<AppState> {
  const files = serve(dir, { index: "index.html", maxage: 0, gzip: false });
  const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    if (ctx.path.startsWith("/api/") || ctx.path.startsWith("/wecom/")) return next();
    if (base !== "/" && ctx.path === base.slice(0, -1)) return ctx.redirect(base);
    if (!ctx.path.startsWith(base)) return next();
    if (!existsSync(join(dir, "index.html"))) return next();
    const original = ctx.path;
    ctx.path = "/" + original.slice(base.length);
    try {
      await files(ctx, async () => {});
      if (ctx.body === undefined || ctx.body === null) {
        // Unknown asset paths stay 404; everything else is a client-side route.
        if (/\.[a-z0-9]{1,8}$/i.test(ctx.path)) return;
        ctx.path = "/index.html";
        await files(ctx, async () => {});
      }
      if (ctx.path.startsWith("/assets/")) ctx.set("Cache-Control", "public, max-age=31536000, immutable");
      else ctx.set("Cache-Control", "no-cache");
    } finally {
      ctx.path = original;
    }
    if (ctx.body === undefined || ctx.body === null) await next();
  };
}
