/**
 * Queries of the SQLite substring-search table `user_search` (migration 011: FTS5 trigram, rowid = the user's
 * numericId), shared by the /v1 and GeoLens searches (src/identity/accounts/search.ts) and better-auth's admin
 * list-users (src/auth/plugins/list-users.ts).
 *
 * A long phrase of trigrams is slow when its trigrams are common: FTS5 steps through every document of the
 * phrase's terms to compare positions, so `+155500123456` (every phone starts `+1555`) read a million entries,
 * 80–150 ms at a million accounts. An AND of short phrases is answered by skipping from one match to the next
 * in each phrase's list (about 1 ms), but it no longer tells that the pieces touch, in one column: such a match
 * is a candidate, and the caller tests the substring itself on the rows it reads.
 */

/** FTS5's trigram tokenizer indexes nothing shorter than three characters. */
export const TRIGRAM = 3;

/**
 * Characters per piece (three trigrams): long enough that a piece of a phone number or e-mail is rare, short
 * enough that a name of 6–12 letters splits into 2–3 pieces (measured with bench/scale.ts data: 3 is slow on
 * digits, 6 and more on common names).
 */
const PIECE = 5;

export interface UserSearchMatch {
  /** The FTS5 MATCH expression. */
  readonly match: string;
  /** Whether every row it matches contains the text (one phrase); otherwise its rows are candidates only. */
  readonly exact: boolean;
}

const phrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * The MATCH expression that finds the rows whose given columns contain `text`, ignoring case; null when the
 * text is shorter than a trigram (the index cannot answer it).
 */
export function userSearchMatch(columns: readonly string[], text: string): UserSearchMatch | null {
  const chars = [...text];
  if (chars.length < TRIGRAM) return null;
  const scope = `{${columns.join(" ")}}`;
  if (chars.length <= PIECE) return { match: `${scope} : ${phrase(text)}`, exact: true };
  const pieces: string[] = [];
  for (let at = 0; at + PIECE <= chars.length; at += PIECE) pieces.push(chars.slice(at, at + PIECE).join(""));
  // The last piece ends at the last character (overlapping the one before), so no character is left out.
  if (chars.length % PIECE !== 0) pieces.push(chars.slice(-PIECE).join(""));
  return { match: `${scope} : (${pieces.map(phrase).join(" AND ")})`, exact: false };
}
