import { IndiciumError } from '@indicium/protocol';
import { COMPANION_VERSION } from '../companion-version.js';
import { toHistoryItem } from '../journal/journal-entry.js';
import { printJournaled } from '../print/print-journaled.js';
import { listPrinters } from '../print/printer-registry.js';
import { addressFromLines } from './address-from-lines.js';
import type { CallDependencies, PageCallTable } from './page-call-table.js';

/**
 * The companion's page calls (DESIGN §4.1, §7, §8) as one frozen table. `register`, `print` and
 * `users` talk to the vault and are present only when a vault client is given.
 */
export function buildPageCallTable(deps: CallDependencies): PageCallTable {
  const requireUnlocked = () => {
    if (deps.secrets.locked) throw new IndiciumError('COMPANION_LOCKED');
  };
  const table: PageCallTable = {
    status: async () => ({
      companionVersion: COMPANION_VERSION,
      locked: deps.secrets.locked,
      registrations: await deps.secrets.registrations(),
      vault:
        deps.config.vault === null
          ? 'not-configured'
          : (await (deps.vault?.reachable() ?? deps.probeVault()))
            ? 'reachable'
            : 'unreachable',
    }),
    unlock: async ({ passphrase }) => {
      await deps.secrets.unlock(passphrase);
      return { locked: false };
    },
    lock: async () => {
      deps.secrets.lock();
      return { locked: true };
    },
    history: async ({ meterId, limit }) => {
      const journal = await deps.journal();
      return { items: (await journal.list({ meterId, limit })).map(toHistoryItem) };
    },
    reprint: async ({ indiciumId, medium, printerId }, { progress }) => {
      // A reprint puts value on paper: only the person who unlocked this session may ask for one.
      requireUnlocked();
      const journal = await deps.journal();
      const { entry } = await printJournaled(
        { journal, config: deps.config },
        { indiciumId, medium, printerId, reprint: true },
        progress,
      );
      return { indicium: toHistoryItem(entry), printed: true };
    },
    printers: async () => ({ printers: await listPrinters(deps.config) }),
  };
  const vault = deps.vault;
  // Without a pinned vault there is nothing to register with: dispatch answers CA_NOT_PINNED.
  if (vault === undefined || deps.config.vault === null) return Object.freeze(table);
  return Object.freeze({
    ...table,
    register: (payload, { progress }) => vault.register(payload, { secrets: deps.secrets, progress }),
    users: async (payload, { progress }) => {
      // The administrator's HMK signs the change: only the person who unlocked this session may.
      requireUnlocked();
      return vault.adminUsers(payload, { secrets: deps.secrets, progress });
    },
    print: async (payload, { progress, origin }) => {
      requireUnlocked();
      // Addresses are checked before the vault is asked, so a typo costs no postage.
      const from = addressFromLines(payload.sender, 'sender');
      const to = addressFromLines(payload.recipient, 'recipient');
      const issued = await vault.issueIndicium(payload, { secrets: deps.secrets, progress, origin });
      const journal = await deps.journal();
      const entry = await journal.recordIssued({
        meterId: payload.meterId,
        userId: payload.userId,
        requestMac: issued.requestMac,
        indicium: issued.indicium,
        medium: payload.medium,
      });
      let printed = entry;
      try {
        printed = (
          await printJournaled(
            { journal, config: deps.config },
            {
              indiciumId: entry.indiciumId,
              medium: payload.medium,
              printerId: payload.printerId,
              reprint: false,
              from,
              to,
            },
            progress,
          )
        ).entry;
      } catch (error) {
        // The indicium is paid for and journaled: a printer problem is reported as printed: false,
        // and the page offers the reprint that the journal allows.
        if (!(error instanceof IndiciumError) || error.actor !== 'printer') throw error;
        printed = (await journal.entry(entry.indiciumId)) ?? entry;
      }
      return {
        indicium: toHistoryItem(printed),
        indiciumBytes: Buffer.from(issued.indicium).toString('base64'),
        ascendingRegisterMills: issued.ascendingRegisterMills,
        descendingRegisterMills: issued.descendingRegisterMills,
        printed: printed.printedAt !== null,
      };
    },
  } satisfies PageCallTable);
}
