import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** An error whose message is fit to show the user as is, and which maps to an exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A bad config file. `lines` holds one line per problem: file, line, key path and what is wrong. */
export class ConfigError extends UserError {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'), ExitCode.Config);
    this.name = 'ConfigError';
  }
}

export class UsageError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
    this.name = 'UsageError';
  }
}
