import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { WEB_ADMIN_DIST, WEB_SIDEBAR_DIST } from "../app.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** `npm start` on a fresh clone: build whichever front end has no build yet. */
export function buildMissingFrontends(log: Logger): void {
  const apps = [
    { workspace: "web-admin", dist: WEB_ADMIN_DIST },
    { workspace: "web-sidebar", dist: WEB_SIDEBAR_DIST },
  ];
  for (const app of apps) {
    if (existsSync(join(app.dist, "index.html"))) continue;
    log.warn(`building ${app.workspace} (first start)…`);
    const result = spawnSync("npm", ["run", "build", "-w", app.workspace], { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`building ${app.workspace} failed (exit ${result.status})`);
  }
}
