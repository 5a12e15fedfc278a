import { ValidationError } from "../../http/errors.ts";

/** The variables a material may use, with what the editor shows for each. */
export const MATERIAL_VARIABLES = {
  "customer.name": "客户昵称",
  "customer.remark": "客户备注名（无备注时用昵称）",
  "customer.title": "称呼（先生/女士）",
  "staff.name": "员工姓名",
  "store.name": "门店名称",
} as const;

export type MaterialVariable = keyof typeof MATERIAL_VARIABLES;
export type RenderContext = Partial<Record<MaterialVariable, string | null>>;

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables a template uses; throws naming the field for an unknown one. */
export function checkTemplate(text: string, field: string): MaterialVariable[] {
  const used: MaterialVariable[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1]!;
    // own keys only: `in` would let {{constructor}} or {{__proto__}} through to the renderer
    if (!Object.hasOwn(MATERIAL_VARIABLES, name))
      throw new ValidationError(`Unknown variable {{${name}}}`, [
        { field, reason: `unknown variable {{${name}}}; known: ${Object.keys(MATERIAL_VARIABLES).join(", ")}` },
      ]);
    used.push(name as MaterialVariable);
  }
  return used;
}

/**
 * Plain-text substitution in one pass: a value can never bring in another variable, markup or
 * line breaks (control characters and newlines become spaces, and a value is capped), so a
 * customer's name or remark cannot change the message's structure.
 */
export function renderTemplate(text: string, ctx: RenderContext): string {
  return text.replace(TOKEN, (_, name: string) =>
    clean((Object.hasOwn(ctx, name) ? ctx[name as MaterialVariable] : null) ?? ""),
  );
}

// control characters, DEL and the Unicode line separators
// eslint-disable-next-line no-control-regex
const BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

function clean(value: string): string {
  return value.replace(BREAKING, " ").trim().slice(0, 64);
}
