import type { FormRules } from "element-plus";
import type { LoginRequest } from "@/api/types";

export function emptyLoginForm(): LoginRequest {
  return { username: "", password: "" };
}

type Translate = (key: "login.usernameRequired" | "login.passwordRequired") => string;

/** Validation rules; messages are functions of the current locale. */
export function loginRules(t: Translate): FormRules<LoginRequest> {
  return {
    username: [{ required: true, whitespace: true, message: () => t("login.usernameRequired"), trigger: "blur" }],
    password: [{ required: true, message: () => t("login.passwordRequired"), trigger: "blur" }],
  };
}
