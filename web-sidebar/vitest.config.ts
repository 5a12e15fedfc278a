import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// Unit tests for the WeCom sidebar; the root config lists this folder as project "web-sidebar".
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      name: "web-sidebar",
      environment: "happy-dom",
      include: ["src/**/*.test.ts"],
      restoreMocks: true,
      // Vant's per-component style entries import .css files; let Vite (not Node) load them.
      server: { deps: { inline: ["vant"] } },
    },
  }),
);
