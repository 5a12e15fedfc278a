import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Admin console: served at "/", API proxied to the Koa server in dev.
export default defineConfig({
  base: "/",
  plugins: [vue()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  define: {
    // vue-i18n bundler feature flags (composition API only).
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: { "/api": { target: "http://127.0.0.1:3000", changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Long-cached vendor chunks. Groups pull in their dependencies, so the framework group
        // goes first: otherwise Vue would land in element-plus or in the lazy echarts chunk.
        codeSplitting: {
          groups: [
            { name: "vue", priority: 30, test: /node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
            {
              name: "element-plus",
              priority: 20,
              test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@vueuse)[\\/]/,
            },
            { name: "echarts", priority: 10, test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/ },
          ],
        },
      },
    },
  },
});
