import { defineConfig } from "vitest/config";

/**
 * Test tiers (see test/README.md): unit tests beside the code, API tests through HTTP against a
 * real database (run once on SQLite and once on MariaDB), browser tests in Debian's Chromium, and
 * the two front ends' own unit tests.
 */
const dbProject = (db: "sqlite" | "mysql") => ({
  test: {
    name: db === "mysql" ? "mariadb" : "sqlite",
    include: ["test/api/**/*.test.ts", "test/db/**/*.test.ts"],
    env: { SIYU_TEST_DB: db },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["server/src/**/*.test.ts", "migrations/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      dbProject("sqlite"),
      dbProject("mysql"),
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          env: { SIYU_TEST_DB: "sqlite" },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      "web-admin",
      "web-sidebar",
    ],
  },
});
