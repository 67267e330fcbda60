/**
 * Why a value is not an e-mail address or a UUID, in the words GeoLens's FastAPI stack uses (the
 * email-validator package behind pydantic's EmailStr, deliverability off; the `uuid` crate behind
 * pydantic-core). The `t` schemas decide validity (model.ts); these only explain a refusal (validation.ts).
 */

/**
 * Names email-validator (behind pydantic's EmailStr, deliverability off) refuses as special-use domains. It also
 * keeps the reserved placeholder domain of accounts without an address (`users.invalid`) out of the API.
 */
const SPECIAL_USE_DOMAINS = ["arpa", "invalid", "local", "localhost", "onion", "test"];
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

export function emailProblem(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 0) return "An email address must have an @-sign.";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local === "") return "There must be something before the @-sign.";
  if (domain === "") return "There must be something after the @-sign.";
  if (!LOCAL_PART.test(local)) {
    const bad = [...new Set([...local].filter((c) => !LOCAL_PART.test(c)))].join(", ");
    return `The email address contains invalid characters before the @-sign: ${bad}.`;
  }
  if (local.startsWith(".")) return "An email address cannot start with a period.";
  if (local.endsWith(".")) return "An email address cannot have a period immediately before the @-sign.";
  if (local.includes("..")) return "An email address cannot have two periods in a row.";
  if (domain.startsWith(".")) return "An email address cannot have a period immediately after the @-sign.";
  if (domain.endsWith(".")) return "An email address cannot end with a period.";
  if (domain.includes("..")) return "An email address cannot have two periods in a row.";
  const labels = domain.split(".");
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) {
    const bad = [...new Set([...domain].filter((c) => !/[A-Za-z0-9.-]/.test(c)))].join(", ");
    return bad
      ? `The part after the @-sign contains invalid characters: ${bad}.`
      : "The part after the @-sign is not valid.";
  }
  if (labels.length < 2) return "The part after the @-sign is not valid. It should have a period.";
  const lower = domain.toLowerCase();
  if (SPECIAL_USE_DOMAINS.some((name) => lower === name || lower.endsWith(`.${name}`))) {
    return "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
  }
  return null;
}

const HEX = /^[0-9a-fA-F]$/;
const GROUP_LENGTHS = [8, 4, 4, 4, 12];

/** The `uuid` crate's explanation of why a string is not a UUID (pydantic-core quotes it). */
export function uuidProblem(text: string): string | null {
  let body = text;
  let offset = 0;
  if (body.startsWith("urn:uuid:")) {
    body = body.slice(9);
    offset = 9;
  } else if (body.startsWith("{") && body.endsWith("}")) {
    body = body.slice(1, -1);
    offset = 1;
  }
  const chars = [...body];
  for (const [index, c] of chars.entries()) {
    if (c !== "-" && !HEX.test(c)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${index + offset + 1}`;
    }
  }
  const groups = body.split("-");
  if (groups.length === 1)
    return body.length === 32
      ? null
      : `invalid length: expected length 32 for simple format, found ${body.length}`;
  if (groups.length !== 5) return `invalid group count: expected 5, found ${groups.length}`;
  for (const [i, group] of groups.entries()) {
    if (group.length !== GROUP_LENGTHS[i]) {
      return `invalid group length in group ${i}: expected ${GROUP_LENGTHS[i]}, found ${group.length}`;
    }
  }
  return null;
}
