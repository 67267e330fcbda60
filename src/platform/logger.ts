/** JSON logs (pino). Credentials and tokens are redacted wherever they appear in a logged object. */
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

export function createLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: undefined });
}
