/**
 * Lone UTF-16 surrogates (`"\ud800"` in JSON) parse into JavaScript strings that no encoder downstream accepts:
 * `encodeURIComponent` throws, Cedar's WebAssembly and the database drivers fail. Each surface refuses them on
 * input with this scan (src/http/pipeline/object-body.ts, src/auth/input-rules.ts).
 */

/** How deep the scan walks: deeper nesting is the depth limit's to refuse, not this scan's. */
const SCAN_DEPTH = 64;

/** The path of the first string under `value` (keys included) that is not well-formed UTF-16, else undefined. */
export function illFormedStringPath(value: unknown, path = "", depth = 0): string | undefined {
  if (typeof value === "string") return value.isWellFormed() ? undefined : path || "body";
  if (typeof value !== "object" || value === null || depth >= SCAN_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return itemPath;
    const found = illFormedStringPath(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
