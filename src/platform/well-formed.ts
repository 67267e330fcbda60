/**
 * Lone UTF-16 surrogates (`"\ud800"` in JSON) parse into JavaScript strings that no encoder downstream accepts:
 * `encodeURIComponent` throws, Cedar's WebAssembly and the database drivers fail; and PostgreSQL refuses a NUL
 * character in any text (a 500 there, while SQLite stored it). Each surface refuses both on input with this
 * scan (src/http/pipeline/object-body.ts, src/auth/input-rules.ts).
 */

/** How deep the scan walks: deeper nesting is the depth limit's to refuse, not this scan's. */
const SCAN_DEPTH = 64;

const storable = (text: string) => text.isWellFormed() && !text.includes("\u0000");

/** The path of the first string under `value` (keys included) that no store accepts, else undefined. */
export function illFormedStringPath(value: unknown, path = "", depth = 0): string | undefined {
  if (typeof value === "string") return storable(value) ? undefined : path || "body";
  if (typeof value !== "object" || value === null || depth >= SCAN_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (!storable(key)) return itemPath;
    const found = illFormedStringPath(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
