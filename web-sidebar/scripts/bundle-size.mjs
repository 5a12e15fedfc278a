#!/usr/bin/env node
// Builds the sidebar and measures the JavaScript a phone must load before the first screen: the
// entry script in dist/index.html plus every chunk it preloads or statically imports. Exits 1
// when that exceeds the budget (default 150 KB gzip; --limit-kb N to change, --no-build to skip).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const args = process.argv.slice(2);
const limitKb = Number(args[args.indexOf("--limit-kb") + 1]) || 150;

if (!args.includes("--no-build")) {
  const b = spawnSync("npx", ["vite", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const html = readFileSync(join(dist, "index.html"), "utf8");
const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map(
  (m) => m[1],
);
const seen = new Set();
const queue = refs.map((r) => r.replace(/^\/sidebar\//, ""));
// follow static imports (`import … from "./x.js"` / `import "./x.js"`), not dynamic import()
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), "utf8");
  for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g))
    queue.push(join(dirname(file), m[1]));
}
let raw = 0,
  gz = 0;
const files = [...seen].map((f) => {
  const buf = readFileSync(join(dist, f));
  const g = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += g;
  return { file: f, raw: buf.length, gzip: g };
});
for (const f of files)
  console.log(
    `${f.file.padEnd(48)} ${(f.raw / 1024).toFixed(1).padStart(8)} KB ${(f.gzip / 1024).toFixed(1).padStart(8)} KB gzip`,
  );
const ok = gz <= limitKb * 1024;
console.log(
  `initial JS: ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip (limit ${limitKb} KB): ${ok ? "ok" : "OVER BUDGET"}`,
);
console.log(
  JSON.stringify({ initial_js_gzip_kb: Number((gz / 1024).toFixed(1)), limit_kb: limitKb, files: files.length, ok }),
);
process.exit(ok ? 0 : 1);
