/**
 * SQL written as text with its bound values beside it: `sql\`… WHERE paid_at <= ${asOf}\`` turns
 * every interpolated value into a `?` and keeps the parameters in the order of the text, while an
 * interpolated Fragment is inlined with its own parameters. Values are never spliced into the text.
 */
export class Fragment {
  constructor(
    readonly text: string,
    readonly params: readonly unknown[] = [],
  ) {}
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Fragment {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (v instanceof Fragment) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += "?";
      params.push(v);
    }
    text += strings[i + 1];
  });
  return new Fragment(text, params);
}

/** Trusted SQL text (identifiers, fixed keywords, the dialect helpers' output), with the values of its `?`s. */
export const raw = (text: string, ...params: unknown[]) => new Fragment(text, params);

export function joinSql(parts: readonly Fragment[], separator: string): Fragment {
  return new Fragment(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}
