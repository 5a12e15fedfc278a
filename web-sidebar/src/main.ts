import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { bootSidebar } from "./boot";
import { BOOT_ERROR } from "./components/boot-error";
import { createAppI18n } from "./locales";
import { createAppRouter } from "./router";
import { WECOM_BRIDGE } from "./wecom";
import "./styles.css";

const pinia = createPinia();
const i18n = createAppI18n();
const router = createAppRouter();
const app = createApp(App).use(pinia).use(i18n);
document.documentElement.lang = i18n.global.locale.value;

/** Dev bridge sign-in: route to the picker, remembering where (and with which query) we were. */
async function openStaffPicker(): Promise<void> {
  const route = router.currentRoute.value;
  // Before the router has started, the page location is the place to come back to.
  const current = route.matched.length > 0 ? route.fullPath : router.options.history.location;
  if (current.startsWith("/dev-login")) return;
  await router.replace({ name: "dev-login", query: current === "/" ? {} : { redirect: current } });
}

async function start(): Promise<void> {
  try {
    const { bridge } = await bootSidebar(pinia, {
      openStaffPicker,
      openChatPicker: async () => void (await router.push({ name: "dev-chat" })),
      showCustomer: async (externalUserId) =>
        void (await router.push({ name: "customer", params: { externalUserId } })),
    });
    app.provide(WECOM_BRIDGE, bridge);
  } catch (error) {
    console.error("[sidebar] boot failed", error);
    app.provide(BOOT_ERROR, error);
  }
  app.use(router).mount("#app");
}

void start();
