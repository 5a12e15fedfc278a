#!/usr/bin/env node
// The `siyu` command. Runs the TypeScript sources through tsx with the server's tsconfig
// (legacy decorators for TypeORM), so there is no separate build step for the server.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
