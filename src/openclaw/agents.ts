import * as z from 'zod/mini';
import type { Env } from '../env.js';
import { runProgram } from '../process/run.js';
import type { OpenclawCli } from './cli.js';

/** `openclaw agents list --json`, as far as authwatch reads it (the CLI source's listing too). */
export const agentsListSchema = z.array(z.looseObject({ id: z.string().check(z.minLength(1)), isDefault: z.optional(z.boolean()) }));

/**
 * The agent OpenClaw marks default, when it lists several (`openclaw agents list --json`, here or
 * over SSH): OpenClaw 2026.9 refuses an auth change without `--agent` once a second agent exists,
 * so a command that changes auth must name it. undefined with one agent, none marked, or no answer.
 */
export async function defaultOfSeveral(cli: OpenclawCli, { timeoutMs, env }: { timeoutMs: number; env: Env }): Promise<{ id: string; of: number } | undefined> {
  const run = await runProgram(cli.argv(['agents', 'list', '--json']), { timeoutMs, env });
  if (!run.ok) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(run.stdout);
  } catch {
    return undefined;
  }
  const agents = agentsListSchema.safeParse(value);
  if (!agents.success || agents.data.length < 2) return undefined;
  const chosen = agents.data.find((a) => a.isDefault === true);
  return chosen ? { id: chosen.id, of: agents.data.length } : undefined;
}
