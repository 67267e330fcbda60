// Progressive enhancement of the hosted pages (src/http/pages/layout.ts); every page works without it.
// The language switcher changes language as soon as a language is picked (its button is then hidden).
document.documentElement.classList.add("js");
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form?.submit());
}
