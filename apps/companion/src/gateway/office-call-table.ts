import {
  type GatewayDelivery,
  type GatewayUser,
  IndiciumError,
  type ProgressStage,
  type ReturnedJob,
} from '@indicium/protocol';
import { addressFromLines } from '../calls/address-from-lines.js';
import { buildPageCallTable } from '../calls/build-page-call-table.js';
import type { CallDependencies, PageCallTable } from '../calls/page-call-table.js';
import type { Journal } from '../journal/journal.js';
import { type JournalEntry, toHistoryItem } from '../journal/journal-entry.js';
import type { Address } from '../render/address-schema.js';
import type { MediumId } from '../render/media-table.js';
import { renderIndicium } from '../render/render-indicium.js';
import type { OfficeLog } from './office-log.js';
import type { PairingRecord } from './pairing-store.js';

export interface OfficeCall {
  /** The user's own session on the gateway: their secrets file, the gateway's journal and vault client. */
  readonly deps: CallDependencies;
  readonly pairing: PairingRecord;
  readonly user: GatewayUser;
  readonly deliver: GatewayDelivery;
  readonly officeLog: OfficeLog;
  /** Set by `print`/`reprint` when the job goes back to the interface machine. */
  returned?: ReturnedJob;
}

/**
 * The page-call table as the gateway runs it for one paired machine's user (DESIGN §9): the
 * companion's own table over that user's secrets, with the office rules on top — history and
 * reprints of this user's pieces only, every job logged (who, what, when, where), and a print
 * delivered either on the gateway's printer or back to the interface machine as a rendered PDF.
 */
export function buildOfficeCallTable(call: OfficeCall): PageCallTable {
  const { deps, pairing, user } = call;
  const base = buildPageCallTable(deps);
  const requireUnlocked = () => {
    if (deps.secrets.locked) throw new IndiciumError('COMPANION_LOCKED');
  };
  const log = async (kind: 'print' | 'reprint', entry: JournalEntry, printer: string) => {
    await call.officeLog.append({
      at: new Date().toISOString(),
      user,
      pairingId: pairing.pairingId,
      machine: pairing.name,
      call: kind,
      indiciumId: entry.indiciumId,
      postageMills: toHistoryItem(entry).postageMills,
      printer,
      printed: entry.printedAt !== null,
    });
  };
  /** The job handed back to the interface: rendered here, claimed in the journal like any print. */
  const handBack = async (
    journal: Journal,
    entry: JournalEntry,
    job: { medium: MediumId; reprint: boolean; from?: Address | undefined; to?: Address | undefined },
    progress: (stage: ProgressStage) => void,
  ): Promise<JournalEntry> => {
    progress('rendering');
    const pdf = await renderIndicium({
      indicium: entry.indicium,
      medium: job.medium,
      format: 'pdf',
      from: job.from,
      to: job.to,
    });
    const printerId = `interface:${pairing.pairingId}`;
    await journal.startPrint(entry.indiciumId, { printerId, reprint: job.reprint });
    const title = `indicium-${entry.indiciumId}${job.reprint ? '-reprint' : ''}`;
    call.returned = { pdf: Buffer.from(pdf).toString('base64'), title };
    // Handing the PDF to the machine is this printer's "job accepted", as CUPS accepting a job is.
    return journal.finishPrint(entry.indiciumId, { ok: true, printerId, jobId: `returned:${title}` });
  };
  const ownEntry = async (journal: Journal, indiciumId: string): Promise<JournalEntry> => {
    const entry = await journal.entry(indiciumId);
    if (entry === undefined || entry.meterId !== user.meterId || entry.userId !== user.userId) {
      // Another colleague's piece is as unknown to this user as one never issued.
      throw new IndiciumError('INVALID_INPUT', { field: 'indiciumId', detail: 'no such indicium of yours' });
    }
    return entry;
  };
  const printerOf = (entry: JournalEntry) =>
    entry.printerId?.startsWith('interface:') === true
      ? `interface:${pairing.name}`
      : `gateway:${entry.printerId}`;

  return Object.freeze({
    ...base,
    history: async ({ meterId, limit }) => {
      const journal = await deps.journal();
      const mine = (await journal.list({ meterId, limit: 100 })).filter((e) => e.userId === user.userId);
      // The office view (DESIGN §9): whose piece it is and which printer it went to.
      return {
        items: mine.slice(0, limit).map((entry) => ({
          ...toHistoryItem(entry),
          userId: entry.userId,
          printerId: entry.printerId === null ? null : printerOf(entry),
        })),
      };
    },
    reprint: async (payload, context) => {
      requireUnlocked();
      const journal = await deps.journal();
      await ownEntry(journal, payload.indiciumId);
      const reprint = base.reprint;
      if (call.deliver === 'gateway' && reprint !== undefined) {
        const answer = await reprint(payload, context);
        const entry = await ownEntry(journal, payload.indiciumId);
        await log('reprint', entry, printerOf(entry));
        return answer;
      }
      const entry = await ownEntry(journal, payload.indiciumId);
      if (entry.printedAt !== null) throw new IndiciumError('ALREADY_PRINTED', { field: 'indiciumId' });
      const done = await handBack(
        journal,
        entry,
        { medium: payload.medium, reprint: true },
        context.progress,
      );
      await log('reprint', done, printerOf(done));
      return { indicium: toHistoryItem(done), printed: true as const };
    },
    print: async (payload, context) => {
      const vault = deps.vault;
      if (base.print === undefined || vault === undefined) {
        throw new IndiciumError('CA_NOT_PINNED', { detail: 'the gateway has no pinned vault' });
      }
      if (call.deliver === 'gateway') {
        const answer = await base.print(payload, context);
        const entry = await ownEntry(await deps.journal(), answer.indicium.indiciumId);
        await log('print', entry, printerOf(entry));
        return answer;
      }
      requireUnlocked();
      const from = addressFromLines(payload.sender, 'sender');
      const to = addressFromLines(payload.recipient, 'recipient');
      const issued = await vault.issueIndicium(payload, {
        secrets: deps.secrets,
        progress: context.progress,
        origin: context.origin,
      });
      const journal = await deps.journal();
      const entry = await journal.recordIssued({
        meterId: payload.meterId,
        userId: payload.userId,
        requestMac: issued.requestMac,
        indicium: issued.indicium,
        medium: payload.medium,
      });
      const done = await handBack(
        journal,
        entry,
        { medium: payload.medium, reprint: false, from, to },
        context.progress,
      );
      await log('print', done, printerOf(done));
      return {
        indicium: toHistoryItem(done),
        indiciumBytes: Buffer.from(issued.indicium).toString('base64'),
        ascendingRegisterMills: issued.ascendingRegisterMills,
        descendingRegisterMills: issued.descendingRegisterMills,
        printed: true,
      };
    },
  } satisfies PageCallTable);
}
