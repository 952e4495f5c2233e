import { writeFileAtomic } from '../fs-atomic.js';

/**
 * Writes metrics for node_exporter's textfile collector. Atomic (temp file in the same directory,
 * then rename), so the collector never reads half a file. 0644, and 0755 for a directory it has to
 * create: the collector runs as another user, and the metrics hold no secrets.
 */
export async function writeMetricsTextfile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, 0o644, 0o755);
}
