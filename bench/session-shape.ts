/**
 * "The response bytes stay exactly better-auth's" (goal 1), checked once per run before any load: the body of
 * `GET /api/auth/get-session` must be the same bytes by cookie and by bearer for one session, the same on a
 * repeated request (a cache must not change it), and shaped like plain better-auth's — the same top-level keys,
 * and every field of better-auth's `session` and `user` present with the same JSON type, in the same order.
 * Gatehouse's plugins (admin, organization, …) add fields; those are listed, not warned about.
 */

export interface ShapeReport {
  readonly warnings: string[];
  /** Fields Gatehouse's plugins add, per object. */
  readonly extra: Record<string, string[]>;
}

const jsonType = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

function asObject(text: string, what: string, warnings: string[]): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    warnings.push(`${what}: get-session answered ${text.slice(0, 80)}, not an object`);
  } catch {
    warnings.push(`${what}: get-session answered no JSON: ${text.slice(0, 80)}`);
  }
  return undefined;
}

export function compareWithBaseline(gatehouse: string, baseline: string): ShapeReport {
  const warnings: string[] = [];
  const extra: Record<string, string[]> = {};
  const ours = asObject(gatehouse, "gatehouse", warnings);
  const theirs = asObject(baseline, "better-auth", warnings);
  if (!ours || !theirs) return { warnings, extra };
  const topOurs = Object.keys(ours).join(",");
  const topTheirs = Object.keys(theirs).join(",");
  if (topOurs !== topTheirs)
    warnings.push(`top-level keys differ: gatehouse ${topOurs}, better-auth ${topTheirs}`);
  for (const part of Object.keys(theirs)) {
    const a = ours[part];
    const b = theirs[part];
    if (!a || typeof a !== "object" || !b || typeof b !== "object") continue;
    const oursKeys = Object.keys(a);
    const theirsKeys = Object.keys(b);
    for (const key of theirsKeys) {
      if (!(key in a)) warnings.push(`${part}.${key}: better-auth has it, gatehouse does not`);
      else {
        const typeA = jsonType((a as Record<string, unknown>)[key]);
        const typeB = jsonType((b as Record<string, unknown>)[key]);
        if (typeA !== typeB) warnings.push(`${part}.${key}: gatehouse ${typeA}, better-auth ${typeB}`);
      }
    }
    const common = oursKeys.filter((key) => theirsKeys.includes(key));
    const expectedOrder = theirsKeys.filter((key) => oursKeys.includes(key));
    if (common.join(",") !== expectedOrder.join(",")) {
      warnings.push(`${part}: field order differs (gatehouse ${common.join(",")})`);
    }
    extra[part] = oursKeys.filter((key) => !theirsKeys.includes(key));
  }
  return { warnings, extra };
}

/** The same session read twice, or by two credentials, must give the same bytes. */
export function compareBytes(what: string, first: string, second: string): string[] {
  if (first === second) return [];
  let at = 0;
  while (at < first.length && first[at] === second[at]) at++;
  return [
    `${what}: bytes differ at ${at}: …${first.slice(Math.max(0, at - 20), at + 40)}… vs …${second.slice(
      Math.max(0, at - 20),
      at + 40,
    )}…`,
  ];
}
