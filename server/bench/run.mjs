#!/usr/bin/env node
// Benchmarks: `node server/bench/run.mjs <name> [options]` (npm run bench:<name> -- [options]).
// Runs the TypeScript sources through tsx with the server's tsconfig, like server/bin/siyu.mjs.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const benches = {
  rfm: "./rfm.bench.ts",
  bot: "./bot.bench.ts",
  load: "./load.bench.ts",
  "load-server": "./load-server.ts",
};
const [name, ...args] = process.argv.slice(2);
if (!benches[name]) {
  process.stderr.write(`usage: node server/bench/run.mjs <${Object.keys(benches).join("|")}> [options]\n`);
  process.exit(2);
}
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import(benches[name]);
process.exitCode = await main(args);
