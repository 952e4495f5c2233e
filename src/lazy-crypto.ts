/**
 * node:crypto, loaded on first use. A static import would load all of it (about 20 internal
 * modules, ~8 ms here) on every `check`, which needs a hash only when it alerts.
 * `process.getBuiltinModule` is synchronous and exists from Node 20.16 (we require 20.19).
 */
export function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
