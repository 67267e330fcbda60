/**
 * JSON logs (pino). Credentials and tokens are redacted wherever they appear in a logged object, and logged
 * input is cut to INPUT_MAX characters: a 1 MB `callbackURL` once became one 1 MB error line, which floods the
 * log store and lets a client write whatever it likes into it.
 */
import pino from "pino";
import type { LogLevel } from "../config.ts";

export type Logger = pino.Logger;

const REDACT = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "*.password",
  "*.token",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

/** Enough of a value (an e-mail, a URL, a message) to recognise it; the rest says only how much was cut. */
export const INPUT_MAX = 200;
/** A stack trace is ours, not input, and needs its frames: its first line (the message) is cut like input. */
const STACK_MAX = 4000;
/** Logged objects deeper than this are summarised: nobody reads them, and walking them costs. */
const DEPTH_MAX = 8;

export function truncate(text: string, max = INPUT_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more characters]`;
}

/** The same kind of error (pino's serializer names it by its class), with message and stack cut. */
function boundedError(error: Error, depth: number): Error {
  const [first = "", ...frames] = (error.stack ?? "").split("\n");
  const copy = Object.assign(
    Object.create(Object.getPrototypeOf(error)) as Error,
    bounded({ ...error }, depth + 1),
  );
  Object.defineProperties(copy, {
    message: { value: truncate(error.message), enumerable: false, writable: true },
    stack: { value: truncate([truncate(first), ...frames].join("\n"), STACK_MAX), enumerable: false },
  });
  return copy;
}

/** A copy of a logged value with every string cut to INPUT_MAX characters. */
function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return truncate(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= DEPTH_MAX) return "[too deep]";
  if (value instanceof Error) return boundedError(value, depth);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => bounded(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bounded(item, depth + 1)]));
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: undefined,
    formatters: { log: (object) => bounded(object) as Record<string, unknown> },
    hooks: {
      // The message, and any printf-style arguments after it, may quote input too.
      logMethod(args, method) {
        const cut = args.map((arg) => (typeof arg === "string" ? truncate(arg, INPUT_MAX * 2) : arg));
        return method.apply(this, cut as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
