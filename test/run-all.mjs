#!/usr/bin/env node
// `npm test`: builds the front ends if needed (the browser tests serve them), runs every vitest
// project (unit, API on SQLite, API on MariaDB, browser, both front ends) and ends with the one
// line CI reads: `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const args = process.argv.slice(2);
for (const app of ["web-admin", "web-sidebar"]) {
  if (!existsSync(`${app}/dist/index.html`) || process.env.CI) {
    const b = spawnSync("npm", ["run", "build", "-w", app], { stdio: "inherit" });
    if (b.status !== 0) {
      console.log(`0 passed, 1 failed`);
      process.exit(1);
    }
  }
}
const report = "vitest-report.json";
rmSync(report, { force: true });
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args],
  { stdio: "inherit" },
);
let passed = 0,
  failed = 1,
  skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests;
  // a file that failed outside any test (import error, hook) has no failed test: count the file
  failed = r.numFailedTests || r.numFailedTestSuites || 0;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
if (run.status !== 0 && failed === 0) failed = 1; // a crash or an error outside tests still fails
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
