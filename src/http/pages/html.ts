/**
 * `html\`…\``: the pages' one way to write markup. Every interpolated value is escaped unless it is already Html
 * (a fragment built by this same tag, or a trusted constant wrapped in `raw()`), so a user's name, an error
 * message or a query parameter can never become markup. Arrays are joined, and `null`, `undefined` and `false`
 * render as nothing, which keeps conditionals short (`${error && html\`…\`}`).
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Renderable = Html | string | number | null | undefined | false | readonly Renderable[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Renderable[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup that is trusted as it is: only constants of ours, never anything a request carried. */
export function raw(trusted: string): Html {
  return new Html(trusted);
}
