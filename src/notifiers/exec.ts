import { describeStderr, runProgram } from '../process/run.js';
import type { DeliveryResult } from './types.js';

/**
 * Runs a notification program (no shell) and maps the outcome to a delivery result. Exit 0 is
 * delivered (with what the program printed: notify-send prints the notification's id); a missing
 * program is a config problem (not retried); anything else may pass, and says the program's last
 * stderr line.
 */
export async function runForDelivery(
  label: string,
  argv: string[],
  options: { timeoutMs: number; env: Record<string, string | undefined>; input?: string },
): Promise<DeliveryResult & { stdout?: string }> {
  const run = await runProgram(argv, options);
  if (!run.ok) return { ok: false, retryable: run.kind !== 'not-found', message: `${label}: ${run.message}` };
  if (run.exitCode === 0) return { ok: true, stdout: run.stdout };
  // The program's own last words say why (notify-send: "Cannot autolaunch D-Bus without X11 $DISPLAY").
  const why = describeStderr(run.stderr);
  return { ok: false, retryable: true, program: true, message: `${label}: ${argv[0]} exited with ${run.exitCode}${why ? `: ${why}` : ''}` };
}
