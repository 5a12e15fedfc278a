import { pino, type Logger, type DestinationStream } from "pino";

/** Field names that may carry a credential anywhere in a log object. */
const REDACT = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "corpsecret",
  "*.corpsecret",
  "access_token",
  "*.access_token",
  "token",
  "*.token",
  "ticket",
  "*.ticket",
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  // the password change, the WeCom settings page and the config carry these
  "currentPassword",
  "*.currentPassword",
  "newPassword",
  "*.newPassword",
  "callbackToken",
  "*.callbackToken",
  "callbackAesKey",
  "*.callbackAesKey",
  "encodingAesKey",
  "*.encodingAesKey",
  "sessionSecret",
  "*.sessionSecret",
  "secretsKey",
  "*.secretsKey",
  "cookie",
  "*.cookie",
  'headers["set-cookie"]',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { app: "siyu" }, redact: { paths: REDACT, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
