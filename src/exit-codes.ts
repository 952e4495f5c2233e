/**
 * Exit codes of every authwatch command. Scripts and timers depend on these: keep them stable.
 * 0/1/2 mean the same as `openclaw models status --check`; 64 and 78 follow BSD sysexits.
 */
export const ExitCode = {
  /** Every credential is ok or static (no expiry). */
  Ok: 0,
  /** At least one credential is expired, missing or unusable. */
  Problem: 1,
  /** At least one credential is inside its warn or critical window, and none is in trouble. */
  Expiring: 2,
  /** A source failed (not installed, timed out, printed garbage), so the status is unknown. */
  Unknown: 3,
  /** The command line was wrong (EX_USAGE). */
  Usage: 64,
  /** authwatch itself failed unexpectedly (EX_SOFTWARE). */
  Internal: 70,
  /** `config init` would overwrite a file, or cannot write one (EX_CANTCREAT). */
  CantCreate: 73,
  /** The config file is missing, unreadable or invalid (EX_CONFIG). */
  Config: 78,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
