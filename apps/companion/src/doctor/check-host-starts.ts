import { spawn } from 'node:child_process';
import type { CompanionConfig } from '../config/companion-config.js';
import { encodeFrame, FrameDecoder } from '../native/frame-codec.js';
import type { DoctorFinding } from './doctor-finding.js';

/** Starts the launcher as a browser would and waits for the companion's hello. */
export async function checkHostStarts(launcher: string, config: CompanionConfig): Promise<DoctorFinding> {
  const chrome = config.chromeExtensionIds[0];
  const args =
    chrome !== undefined
      ? [`chrome-extension://${chrome}/`]
      : ['manifest.json', config.firefoxExtensionIds[0] ?? ''];
  const answer = await new Promise<string>((resolve) => {
    const child = spawn(launcher, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => {
      child.kill();
      resolve('no hello within 20 s');
    }, 20_000);
    child.on('error', (error) => resolve(error.message));
    child.stdout.on('data', (chunk: Buffer) => {
      const [frame] = decoder.push(chunk);
      if (frame === undefined) return;
      clearTimeout(timer);
      child.stdin.end();
      const message = frame.ok
        ? (frame.message as { kind?: string; version?: string; error?: { code?: string } })
        : undefined;
      resolve(
        message?.kind === 'hello'
          ? `ok ${message.version ?? ''}`
          : `answered ${message?.error?.code ?? 'garbage'}`,
      );
    });
    child.stdin.write(encodeFrame({ kind: 'hello', protocol: 1, component: 'extension', version: '0.0.0' }));
  });
  return answer.startsWith('ok')
    ? {
        check: 'companion start',
        status: 'ok',
        detail: `the host answers hello (companion ${answer.slice(3)})`,
      }
    : {
        check: 'companion start',
        status: 'fail',
        detail: `the host did not start: ${answer}`,
        nextStep: 'Read companion.log in the data folder; run `companion install` again.',
      };
}
