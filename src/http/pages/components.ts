/**
 * The pieces pages are built from: labelled fields with their error beside them (`aria-describedby`,
 * `aria-invalid`), buttons, notices and the hidden CSRF field. Forms post to the page's own path and work
 * without JavaScript.
 */
import type { PageContext } from "./context.ts";
import { type Html, html, type Renderable } from "./html.ts";
import { CSRF_FIELD } from "./security.ts";

/** What a form shows again after a refused post: the values typed (never a password) and the errors. */
export interface FormState {
  readonly values?: Readonly<Record<string, string>>;
  readonly errors?: Readonly<Record<string, string>>;
  /** An error about the whole form (wrong credentials, an expired link), shown above it. */
  readonly formError?: string;
  /** A confirmation (a code was sent), shown above the form. */
  readonly notice?: string;
}

export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly type?: "text" | "email" | "password" | "tel" | "date";
  readonly autocomplete?: string;
  readonly required?: boolean;
  readonly hint?: string;
  readonly inputmode?: "numeric" | "text" | "tel" | "email";
  readonly autofocus?: boolean;
  /** For ids unique on the page when two forms share a field name. */
  readonly idPrefix?: string;
}

export function field(options: FieldOptions, state: FormState = {}): Html {
  const id = `${options.idPrefix ?? "f"}-${options.name}`;
  const error = state.errors?.[options.name];
  const value = options.type === "password" ? undefined : state.values?.[options.name];
  const described = [options.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field${error ? " field--invalid" : ""}">
  <label for="${id}">${options.label}</label>
  ${options.hint && html`<p class="field-hint" id="${id}-hint">${options.hint}</p>`}
  <input id="${id}" name="${options.name}" type="${options.type ?? "text"}"${value ? html` value="${value}"` : ""}${
    options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ""
  }${options.inputmode ? html` inputmode="${options.inputmode}"` : ""}${options.required ? html` required` : ""}${
    options.autofocus ? html` autofocus` : ""
  }${described ? html` aria-describedby="${described}"` : ""}${error ? html` aria-invalid="true"` : ""}>
  ${error && html`<p class="field-error" id="${id}-error">${error}</p>`}
</div>`;
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrf.token}">`;
}

export function hidden(name: string, value: string | undefined): Html {
  return value === undefined ? html`` : html`<input type="hidden" name="${name}" value="${value}">`;
}

/** A form posting to `action` with the CSRF field; `content` holds its fields and buttons. */
export function postForm(ctx: PageContext, action: string, content: Renderable, className = "form"): Html {
  return html`<form class="${className}" method="post" action="${action}" novalidate>
${csrfField(ctx)}
${content}
</form>`;
}

export function button(label: string, variant: "primary" | "secondary" | "link" = "primary"): Html {
  return html`<button type="submit" class="button button--${variant}">${label}</button>`;
}

export function formMessages(state: FormState): Html {
  return html`${state.formError && html`<div class="alert alert--error" role="alert">${state.formError}</div>`}${
    state.notice && html`<div class="alert alert--info" role="status">${state.notice}</div>`
  }`;
}

export function paragraph(text: string, className = "lead"): Html {
  return html`<p class="${className}">${text}</p>`;
}

export function linkTo(href: string, text: string): Html {
  return html`<a href="${href}">${text}</a>`;
}
