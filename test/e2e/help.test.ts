import { describe, expect, it } from 'vitest';
import { runCli, sandbox } from '../helpers/cli.js';

/** Every command's help, as people read it: kept byte for byte while the commands' registration changes shape. */
const COMMANDS = [
  [],
  ['check'],
  ['status'],
  ['watch'],
  ['generate'],
  ['install'],
  ['uninstall'],
  ['reauth'],
  ['gateway'],
  ['gateway', 'pair'],
  ['gateway', 'unpair'],
  ['gateway', 'status'],
  ['doctor'],
  ['notify'],
  ['notify', 'test'],
  ['config'],
  ['config', 'init'],
  ['config', 'check'],
];

describe('--help', () => {
  it('says the same for every command as the snapshot', async () => {
    const env = sandbox().env;
    const pages = await Promise.all(
      COMMANDS.map(async (path) => {
        const result = await runCli([...path, '--help'], env);
        expect(result.exitCode, path.join(' ')).toBe(0);
        expect(result.stderr).toBe('');
        return `$ authwatch ${[...path, '--help'].join(' ')}\n${result.stdout}`;
      }),
    );
    await expect(pages.join('\n')).toMatchFileSnapshot('__snapshots__/help.txt');
  });
});
