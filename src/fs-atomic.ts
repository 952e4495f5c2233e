import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see the old content or the new, never a part: write a temp file
 * beside it, fsync, rename over, fsync the directory. The file gets exactly `mode` (0600 by
 * default: state and env files may describe credentials), and directories it creates `dirMode`,
 * whatever the umask: a unit's `UMask=0077` must not hide the metrics file from node_exporter.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600, dirMode = 0o700): Promise<void> {
  const dir = dirname(path);
  const created = await mkdir(dir, { recursive: true, mode: dirMode });
  if (created) {
    for (let d = dir; ; d = dirname(d)) {
      await chmod(d, dirMode);
      if (d === created || d === dirname(d)) break;
    }
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  // 'wx': a name that exists already fails rather than being shared, so the name needs no crypto.
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  // Make the rename itself durable; not every platform lets a directory be fsynced.
  const dirHandle = await open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => {});
  await dirHandle?.close();
}
