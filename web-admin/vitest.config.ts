import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// Unit tests for the admin console; the root config lists this folder as project "web-admin".
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      name: "web-admin",
      environment: "happy-dom",
      include: ["src/**/*.test.ts"],
      restoreMocks: true,
    },
  }),
);
