/**
 * Where and why Python's `json.loads` (3.12) refuses a text: FastAPI reports an unparsable body as
 * `{type: "json_invalid", loc: ["body", <pos>], msg: "JSON decode error", input: {}, ctx: {error: <msg>}}` with
 * Python's position and message, which JavaScript's JSON.parse does not give. Only called after JSON.parse failed.
 */

export interface JsonDecodeError {
  readonly pos: number;
  readonly msg: string;
}

class Failure extends Error {
  constructor(
    readonly pos: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

export function pythonJsonError(text: string): JsonDecodeError {
  let pos = 0;

  function skip(): void {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  }

  function string(): void {
    const start = pos;
    pos += 1;
    for (;;) {
      const c = text[pos];
      if (c === undefined) throw new Failure(start, "Unterminated string starting at");
      if (c === '"') {
        pos += 1;
        return;
      }
      if (c < " ") throw new Failure(pos, "Invalid control character at");
      if (c === "\\") {
        const e = text[pos + 1];
        if (e === undefined) throw new Failure(start, "Unterminated string starting at");
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6)))
            throw new Failure(pos, "Invalid \\uXXXX escape");
          pos += 6;
          continue;
        }
        if (!ESCAPES.has(e)) throw new Failure(pos, `Invalid \\escape: '${e}'`);
        pos += 2;
        continue;
      }
      pos += 1;
    }
  }

  function value(): void {
    const c = text[pos];
    if (c === '"') {
      string();
      return;
    }
    if (c === "{") {
      object();
      return;
    }
    if (c === "[") {
      array();
      return;
    }
    for (const word of ["null", "true", "false", "NaN", "Infinity", "-Infinity"]) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return;
      }
    }
    NUMBER.lastIndex = pos;
    if (NUMBER.exec(text)) {
      pos = NUMBER.lastIndex;
      return;
    }
    throw new Failure(pos, "Expecting value");
  }

  function object(): void {
    pos += 1;
    skip();
    if (text[pos] === "}") {
      pos += 1;
      return;
    }
    for (;;) {
      if (text[pos] !== '"') throw new Failure(pos, "Expecting property name enclosed in double quotes");
      string();
      skip();
      if (text[pos] !== ":") throw new Failure(pos, "Expecting ':' delimiter");
      pos += 1;
      skip();
      value();
      skip();
      if (text[pos] === "}") {
        pos += 1;
        return;
      }
      if (text[pos] !== ",") throw new Failure(pos, "Expecting ',' delimiter");
      pos += 1;
      skip();
    }
  }

  function array(): void {
    pos += 1;
    skip();
    if (text[pos] === "]") {
      pos += 1;
      return;
    }
    for (;;) {
      value();
      skip();
      if (text[pos] === "]") {
        pos += 1;
        return;
      }
      if (text[pos] !== ",") throw new Failure(pos, "Expecting ',' delimiter");
      pos += 1;
      skip();
    }
  }

  try {
    skip();
    value();
    skip();
    if (pos < text.length) return { pos, msg: "Extra data" };
    // Python accepted what JavaScript did not (NaN, Infinity): the closest honest answer.
    return { pos: 0, msg: "Expecting value" };
  } catch (error) {
    if (error instanceof Failure) return { pos: error.pos, msg: error.msg };
    throw error;
  }
}
