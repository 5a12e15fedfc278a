#!/usr/bin/env node
// `npm run bench:launch -- [options]`: runs launch.bench.ts through tsx with the server's tsconfig
// (legacy decorators for TypeORM), as server/bin/siyu.mjs runs the CLI.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("./launch.bench.ts");
process.exitCode = await main(process.argv.slice(2));
