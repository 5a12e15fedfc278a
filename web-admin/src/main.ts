import ElementPlus from "element-plus";
import "element-plus/dist/index.css";
import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { setUnauthorizedHandler } from "./api/http";
import { createAppI18n } from "./locales";
import { createAppRouter } from "./router";
import { useAuthStore } from "./stores/auth";
import "./styles.css";

const pinia = createPinia();
const i18n = createAppI18n();
const router = createAppRouter();

// A 401 from any API call while signed in means the session expired: back to sign-in.
setUnauthorizedHandler(() => {
  const auth = useAuthStore(pinia);
  if (!auth.isSignedIn) return;
  auth.clearSession();
  void router.replace({ path: "/login", query: { redirect: router.currentRoute.value.fullPath } });
});

document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(pinia).use(i18n).use(router).use(ElementPlus).mount("#app");
