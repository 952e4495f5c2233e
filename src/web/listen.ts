import { UsageError } from '../errors.js';

/** `HOST:PORT`, `[IPv6]:PORT`, or just `PORT` (meaning 127.0.0.1), as given to `flag`. */
export function parseListen(text: string, flag = '--metrics-listen'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? (/^(\d+)$/.test(text) ? [text, undefined, '127.0.0.1', text] : null);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag}: expected HOST:PORT or PORT, got "${text}"`);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
