/**
 * The most common passwords, so that none of them can be chosen. common-passwords.txt is derived from the
 * ranked list `passwords` of the npm package @zxcvbn-ts/language-common 4.1.3 (MIT, common-passwords.LICENSE.txt;
 * the zxcvbn project's frequency list of leaked passwords, 49,233 entries, most common first): it keeps, in rank
 * order, the 17,950 entries of at least 8 characters — shorter ones are refused by the length rule anyway — so
 * it holds every entry of the top 10,000 that the length rule would let through, and more.
 */
import list from "./common-passwords.txt" with { type: "text" };

const COMMON = new Set(list.split("\n").filter(Boolean));

/** The list is lower case; `Password123` is as guessable as `password123`. */
export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}

export const COMMON_PASSWORD_COUNT = COMMON.size;
