import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { OpenclawGateway } from '../monitor/sources/openclaw/config.js';

/** The gateway named, or the only one; a clear error otherwise. */
export function pickGateway(gateways: OpenclawGateway[], name: string | undefined): OpenclawGateway {
  const enabled = gateways.filter((g) => g.enabled);
  const names = enabled.map((g) => g.name ?? '(unnamed)').join(', ');
  if (name !== undefined) {
    const found = enabled.find((g) => g.name === name);
    if (!found) throw new UserError(`no gateway named "${name}" in sources.openclaw (there: ${names || 'none'})`, ExitCode.Usage);
    return found;
  }
  if (enabled.length === 1) return enabled[0]!;
  throw new UserError(
    enabled.length ? `several gateways in sources.openclaw: name one with --gateway (${names})` : 'sources.openclaw is disabled: nothing to renew',
    ExitCode.Usage,
  );
}
