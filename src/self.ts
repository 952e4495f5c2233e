import { fileURLToPath } from 'node:url';

/**
 * What runs authwatch itself: this node, and this authwatch's dist/cli.js (the bundle's chunks sit
 * beside it, so the path is found from this module, whatever symlink or wrapper started us). For
 * generated job files, notification buttons and `reauth`'s closing check.
 */
export function selfCommand(): { node: string; entry: string } {
  return { node: process.execPath, entry: fileURLToPath(new URL('./cli.js', import.meta.url)) };
}
