import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './module-worker.js';

describe('workerExecArgv', () => {
  it('keeps resolution and loader flags with their values, drops per-process ones, adds the source condition', () => {
    expect(
      workerExecArgv([
        '--inspect=9229',
        '--conditions',
        'development',
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        '--enable-source-maps',
        '--stack-size',
        '2000',
      ]),
    ).toEqual([
      '--conditions',
      'development',
      '--import',
      'tsx',
      '--enable-source-maps',
      '--conditions=@indicium/source',
    ]);
  });

  it('does not add the source condition twice', () => {
    expect(workerExecArgv(['--conditions=@indicium/source', '--import', 'tsx'])).toEqual([
      '--conditions=@indicium/source',
      '--import',
      'tsx',
    ]);
  });
});
