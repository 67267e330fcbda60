/**
 * The contract examples the tests check against, copied into the repository (test/fixtures/): the seed-000
 * endpoint list and the five seed documents (test/fixtures/seeds/000.txt … 004.txt).
 */
import { readFileSync } from "node:fs";

const FIXTURES = new URL("../fixtures/", import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** Seed 000's method + path pairs under /api/auth, one `METHOD\tpath` line each. */
export function seedEndpoints(): [method: string, path: string][] {
  return readFixture("seed000-endpoints.tsv")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t") as [string, string]);
}
