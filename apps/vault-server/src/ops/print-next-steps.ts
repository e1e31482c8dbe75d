/**
 * The start banner a person reads (not a log line): where the vault answers, where its officer
 * credentials and data live, and how to make a browser or a program trust the development CA.
 */
export function printNextSteps(
  out: NodeJS.WritableStream,
  info: {
    readonly url: string;
    readonly dataDir: string;
    readonly devCaFile: string | null;
    readonly officersFile: string;
    /** True when this start ran the first-run key ceremony and wrote the officer credentials. */
    readonly firstRun: boolean;
    /** True when the web UI's build was found and is served at the URL. */
    readonly webUi?: boolean;
  },
): void {
  const lines = [
    '',
    `Indicium vault is running at ${info.url}`,
    '',
    `  Data directory:       ${info.dataDir} (owner-only; back it up, never share it)`,
    `  Officer credentials:  ${info.officersFile} (mode 0600${info.firstRun ? ', written just now' : ''}): hand them to`,
    '                        the officers, then move the file offline; vaultctl uses them for every officer command',
    `  Health:               ${info.url}/healthz   readiness: ${info.url}/readyz`,
    `  API description:      ${info.url}/v1/openapi.json`,
    info.webUi === true
      ? `  Web UI:               ${info.url}/ (sign up, buy postage, print)`
      : '  Web UI:               not built: run `npm run build -w @indicium/web`, then start the vault again',
  ];
  if (info.devCaFile !== null) {
    lines.push(
      '',
      '  This vault uses a local development CA. To trust it:',
      `    curl / Node:   curl --cacert ${info.devCaFile} ${info.url}/healthz`,
      `                   NODE_EXTRA_CA_CERTS=${info.devCaFile} node …`,
      `    Browser:       import ${info.devCaFile} as a trusted authority (Chrome: Settings › Privacy and`,
      '                   security › Security › Manage certificates › Authorities; Firefox: Settings ›',
      '                   Certificates › View Certificates › Authorities › Import).',
    );
  }
  const curl = info.devCaFile === null ? 'curl' : `curl --cacert ${info.devCaFile}`;
  lines.push(
    '',
    '  Officer tools (this machine only):',
    `    vaultctl status:        npx vaultctl --credentials ${info.officersFile} status`,
    `    audit now:              ${curl} -X POST ${info.url}/v1/auditor/verify`,
    `    module table:           ${curl} ${info.url}/v1/module-table`,
    '',
    '  Browser extension (from the repository root):',
    '    npm run build -w @indicium/extension',
    '    node apps/companion/bin/companion.mjs install --extension-id cgmdonginiikpoindfahfnaokakjjmln \\',
    `         --origin ${new URL(info.url).origin}`,
    '    Chrome: chrome://extensions › Developer mode › Load unpacked › apps/extension/dist/chrome',
    '    Firefox: about:debugging › Load Temporary Add-on › apps/extension/dist/firefox/manifest.json',
  );
  lines.push('', '  Stop with Ctrl-C (SIGINT) or SIGTERM: requests drain and every commit is kept.', '');
  out.write(`${lines.join('\n')}\n`);
}
