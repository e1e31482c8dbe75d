import type { CliContext } from './cli-context.js';

/**
 * `vaultctl logon`: proves an officer's credentials at a module (open a session, check the
 * module's signed half, Logon, Query Role, Logoff) and says who they are. A wrong passphrase is
 * LOGON_FAILED and counts towards the account's lockout, as at any logon.
 */
export async function logonCommand(context: CliContext): Promise<void> {
  const serial = context.requireModule();
  const userId = context.requireUser();
  const session = await context.session(serial, userId);
  try {
    const { role } = await session.call<{ role: string | null }>(userId, 'query-role');
    context.print({ module: serial, userId, role, session: 'verified' });
  } finally {
    await session.close();
  }
}
