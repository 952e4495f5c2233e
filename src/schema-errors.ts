/** A validation issue's path as people write it: `auth.oauth.profiles[0].type`, or `(top level)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

/** Where foreign data first fails its schema, and why: `at auth.oauth.profiles[0].expiresAt: expected …`. */
export function firstIssue(error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  return `at ${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`;
}
