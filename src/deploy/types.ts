import type { FilePlatform } from './platform-names.js';

export type { FilePlatform, Platform } from './platform-names.js';

export interface GenerateOptions {
  schedule: string;
  timezone?: string;
  /** systemd/launchd: a timer running `check` (default), or a long-running `watch` service. */
  mode: 'timer' | 'watch';
  /** systemd: system units instead of user units. */
  system: boolean;
  /** Termux: take a wake lock at boot (keeps the CPU awake; costs battery). */
  wakeLock: boolean;
}

export interface GeneratedFile {
  /** Where `install` puts it. */
  path: string;
  /** The file name used with `generate --out DIR`. */
  name: string;
  content: string;
  mode: number;
}

/** What a generator produces: files, the commands that activate them, and notes for people. */
export interface Deployment {
  platform: FilePlatform;
  files: GeneratedFile[];
  /** Run by `install`, in order, after the files are written. */
  activate: string[][];
  /** Run by `uninstall`, in order, before the files are removed. */
  deactivate: string[][];
  /** Run by `uninstall` after the files are gone (systemd: daemon-reload). */
  afterRemove: string[][];
  notes: string[];
}
