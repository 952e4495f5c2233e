import type { Credential, Observation } from '../../src/monitor/types.js';

/** An OpenClaw token observation for agent main; override what the test is about. */
export function observation(over: Partial<Observation> = {}): Observation {
  return {
    id: 'openclaw:main:anthropic:manual',
    source: 'openclaw',
    agent: 'main',
    agentIsDefault: true,
    provider: 'anthropic',
    profileId: 'anthropic:manual',
    type: 'token',
    condition: 'valid',
    expiresAt: null,
    refreshable: false,
    detail: null,
    ...over,
  };
}

/** The same, evaluated: status ok unless overridden. */
export function credential(over: Partial<Credential> = {}): Credential {
  return { ...observation(), status: 'ok', remainingMs: null, remedyText: null, ...over };
}
