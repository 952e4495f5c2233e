declare const __AUTHWATCH_VERSION__: string | undefined;

/** The package version, put in by the bundler; `0.0.0-dev` when running from source. */
export const VERSION = typeof __AUTHWATCH_VERSION__ === 'string' ? __AUTHWATCH_VERSION__ : '0.0.0-dev';
